<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// a link shortener: the posted address escaped for MySQL, interpolated in braces between quotes
include 'connect.php';
$long = mysqli_real_escape_string($conn, $_POST['long_url']);
$code = substr(md5(microtime()), rand(0, 26), 5);
if (!empty($long) && filter_var($long, FILTER_VALIDATE_URL)) {
    $done = mysqli_query($conn, "INSERT INTO links (long_url, code, clicks) VALUES ('{$long}', '{$code}', '0')");
    echo $done ? $code : 'Try again';
}
