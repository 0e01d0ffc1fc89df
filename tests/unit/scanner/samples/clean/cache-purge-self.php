<?php
// cache/purge.php: empties the cache folder it lives in, keeps itself and .htaccess
function purge($dir) {
    foreach (scandir($dir) as $e) {
        if (in_array($e, ['.', '..', 'purge.php', '.htaccess'])) continue;
        $p = $dir . '/' . $e;
        if (is_dir($p)) { purge($p); rmdir($p); } else { unlink($p); }
    }
}
purge(__DIR__);
echo "cache purged\n";
