<?php
// a thumbnail tool: the request picks a file, quoted as one argument of the script's own
// command; the request's value is never the command
class Request
{
    public function get($key, $default = null)
    {
        return isset($_GET[$key]) ? $_GET[$key] : $default;
    }
}

function param($name)
{
    return trim($_POST[$name] ?? '');
}

$req = new Request();
$src = basename((string) $req->get('img', 'default.jpg'));
$size = param('size') === 'big' ? '800x800' : '200x200';
exec('convert ' . escapeshellarg(__DIR__ . '/uploads/' . $src) . ' -resize ' . $size . ' '
    . escapeshellarg(__DIR__ . '/thumbs/' . $src), $out, $status);
echo $status === 0 ? 'ok' : 'failed';
echo htmlspecialchars(param('note'));
