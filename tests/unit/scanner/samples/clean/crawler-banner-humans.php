<?php
// the partner banner is fetched for people only; crawlers get the plain page
$banner = file_get_contents('https://ads.example.com/banner.html');
$agent = $_SERVER['HTTP_USER_AGENT'] ?? '';
if (!preg_match('/googlebot|bingbot/i', $agent)) {
    echo $banner;
} else {
    echo '<!-- no banner -->';
}
require __DIR__ . '/page.php';
