<?php
// advanced cache drop-in: guests get the cached page, signed-in users the live one
$cached = WP_CONTENT_DIR . '/cache/pages/' . md5($_SERVER['REQUEST_URI']) . '.html';
$guest = true;
foreach (array_keys($_COOKIE) as $name) {
    if (strpos($name, 'wordpress_logged_in') === 0 || strpos($name, 'comment_author') === 0) {
        $guest = false;
    }
}
if ($guest && is_file($cached) && filemtime($cached) > time() - 3600) {
    header('X-Cache: HIT');
    echo file_get_contents($cached);
    echo "<script>window.dataLayer = window.dataLayer || []; dataLayer.push({cache: 'hit'});</script>";
    exit;
}
