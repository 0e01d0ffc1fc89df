<?php
// Compiled template cache: the PHP file is rewritten and its time set ahead to mark when
// it expires; a copied asset keeps its source's time.
function cache_store($key, $php, $ttl) {
    $file = CACHE_DIR . '/' . md5($key) . '.php';
    $was = @filemtime($file);
    file_put_contents($file, $php, LOCK_EX);
    touch($file, time() + $ttl);
    return $was;
}
function asset_publish($src, $dst) {
    copy($src, $dst);
    touch($dst, filemtime($src));
}
