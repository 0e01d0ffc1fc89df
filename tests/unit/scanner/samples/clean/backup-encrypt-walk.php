<?php
// nightly offsite backup: every file of the uploads folder copied encrypted to the backup disk
$key = base64_decode(getenv('BACKUP_KEY'));
function backup_tree($src, $dst, $key) {
    @mkdir($dst, 0700, true);
    foreach (scandir($src) as $e) {
        if ($e == '.' || $e == '..') continue;
        if (is_dir("$src/$e")) { backup_tree("$src/$e", "$dst/$e", $key); continue; }
        $iv = random_bytes(16);
        $out = "$dst/$e.enc";
        if (file_exists($out)) unlink($out);
        file_put_contents($out, $iv . openssl_encrypt(file_get_contents("$src/$e"), 'aes-256-cbc', $key, OPENSSL_RAW_DATA, $iv));
    }
}
backup_tree(__DIR__ . '/uploads', '/backup/uploads', $key);
