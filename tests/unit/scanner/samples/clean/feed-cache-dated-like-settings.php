<?php
// cache the partner feed; the cache counts as fresh until settings.php changes, so the
// cached file takes the settings' time
$cache = __DIR__ . '/cache/feed.xml';
$conf = __DIR__ . '/settings.php';
if (!is_file($cache) || filemtime($cache) < filemtime($conf)) {
    $xml = file_get_contents('https://feeds.example.com/partner.xml');
    if ($xml !== false) {
        file_put_contents($cache, $xml);
        touch($cache, filemtime($conf));
    }
}
readfile($cache);
