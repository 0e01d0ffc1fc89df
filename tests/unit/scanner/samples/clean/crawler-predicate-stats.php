<?php
// page statistics: crawlers are not counted; the weather box is fetched for everyone
function is_crawler() {
    $ua = $_SERVER['HTTP_USER_AGENT'] ?? '';
    return stripos($ua, 'Googlebot') !== false || stripos($ua, 'bingbot') !== false;
}
if (!is_crawler()) {
    $weather = json_decode(file_get_contents('https://api.example.org/weather?city=berlin'), true);
    file_put_contents(__DIR__ . '/stats/hits.log', date('c') . "\n", FILE_APPEND);
    echo '<p>' . htmlspecialchars($weather['summary'] ?? '') . '</p>';
}
