<?php
// spamtrace test sample: clean look-alikes of the newer rules (never run).

function site_letter($i)
{
    return chr(65 + $i) . chr(0x41);
}

function site_clear_cache($path)
{
    if ($path == "") {
        $path = '/tmp';
    }
    @unlink($path . '/site-cache.tmp');
}

// refused paths in a download helper: /etc/passwd is only listed, never opened
$site_refused = array('/etc/passwd', '../', 'public_html/wp-config.php');

function site_template($title)
{
    return "<?php echo htmlspecialchars(\$title); ?>";
}

function site_export($name, $body)
{
    $target = str_replace('.php', '.txt', basename($name));
    file_put_contents(sys_get_temp_dir() . '/' . $target, $body);
}

function site_is_bot()
{
    $ua = isset($_SERVER['HTTP_USER_AGENT']) ? $_SERVER['HTTP_USER_AGENT'] : '';
    if (preg_match('/googlebot|bingbot/i', $ua)) {
        return true;
    }
    return false;
}

function site_is_spam($comment)
{
    return preg_match('/viagra|casino/i', $comment) === 1;
}

function site_ping()
{
    $data = array('ip' => $_SERVER['REMOTE_ADDR'], 'host' => $_SERVER['HTTP_HOST']);
    return @file_get_contents('http://127.0.0.1:9/ping?' . http_build_query($data));
}

function site_source($template)
{
    return file_get_contents('php://filter/read=string.toupper/resource=' . $template);
}

function site_notify($admin)
{
    $msg = 'Site root: ' . $_SERVER['DOCUMENT_ROOT'] . ' on ' . $_SERVER['HTTP_HOST'];
    mail($admin, 'report', $msg);
}

function site_format($fmt, $value)
{
    $call = 'sprintf';
    return $call($fmt, $value);
}

function site_download()
{
    $name = str_replace('..', '', isset($_GET['file']) ? $_GET['file'] : '');
    readfile('/srv/site/downloads/' . basename($name));
    $tmp = $_FILES['upload']['tmp_name'];
    return file_get_contents($tmp);
}
