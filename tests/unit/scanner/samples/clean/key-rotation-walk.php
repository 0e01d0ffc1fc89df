<?php
// key rotation: every sealed secret of the vault folder re-encrypted with the new key
function rotate_secret($path, $old, $new) {
    $iv = random_bytes(16);
    $sealed = file_get_contents($path);
    $plain = openssl_decrypt(substr($sealed, 16), 'aes-256-cbc', $old, OPENSSL_RAW_DATA, substr($sealed, 0, 16));
    file_put_contents($path, $iv . openssl_encrypt($plain, 'aes-256-cbc', $new, OPENSSL_RAW_DATA, $iv));
}
function rotate_tree($dir, $old, $new) {
    foreach (scandir($dir) as $e) {
        if ($e[0] === '.') continue;
        if (is_dir("$dir/$e")) { rotate_tree("$dir/$e", $old, $new); continue; }
        rotate_secret("$dir/$e", $old, $new);
    }
}
if (PHP_SAPI === 'cli') {
    rotate_tree('/srv/vault/secrets', base64_decode(getenv('OLD_KEY')), base64_decode(getenv('NEW_KEY')));
}
