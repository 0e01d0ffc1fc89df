<?php
// a file cache: expiry times set with touch(), stale entries removed; an installer removes itself
function cache_put($file, $data, $ttl) {
    file_put_contents($file, $data);
    touch($file, time() + $ttl);
}
function cache_copy($src, $dst) {
    copy($src, $dst);
    touch($dst, filemtime($src));
}
function cache_gc($dir) {
    foreach (glob($dir . '/*.cache') as $f) {
        if (filemtime($f) < time()) { unlink($f); }
    }
}
if (isset($_POST['finish'])) {
    @unlink(__FILE__);
}
