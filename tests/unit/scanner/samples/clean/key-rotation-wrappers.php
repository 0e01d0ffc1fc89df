<?php
// key rotation through wrappers: each sealed file is opened with the old key, sealed again
function vault_open($sealed, $key) {
    return openssl_decrypt(substr($sealed, 16), 'aes-256-cbc', $key, OPENSSL_RAW_DATA, substr($sealed, 0, 16));
}
function vault_seal($plain, $key) {
    $iv = random_bytes(16);
    return $iv . openssl_encrypt($plain, 'aes-256-cbc', $key, OPENSSL_RAW_DATA, $iv);
}
function rekey_file($path, $old, $new) {
    $plain = vault_open(file_get_contents($path), $old);
    file_put_contents($path, vault_seal($plain, $new));
}
function rekey_tree($dir, $old, $new) {
    foreach (scandir($dir) as $e) {
        if ($e[0] === '.') continue;
        if (is_dir("$dir/$e")) { rekey_tree("$dir/$e", $old, $new); continue; }
        rekey_file("$dir/$e", $old, $new);
    }
}
if (PHP_SAPI === 'cli') {
    rekey_tree('/srv/vault/secrets', getenv('OLD_KEY'), getenv('NEW_KEY'));
}
