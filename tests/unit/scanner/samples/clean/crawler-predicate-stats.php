<?php
// page statistics: crawlers are not counted; the weather box is fetched for everyone
function is_crawler() {
    $bots = array('Googlebot', 'bingbot', 'YandexBot', 'AhrefsBot');
    foreach ($bots as $b) if (stripos($_SERVER['HTTP_USER_AGENT'] ?? '', $b) !== false) return true;
    return false;
}
if (!is_crawler()) {
    $weather = json_decode(file_get_contents('https://api.example.org/weather?city=berlin'), true);
    file_put_contents(__DIR__ . '/stats/hits.log', date('c') . "\n", FILE_APPEND);
    echo '<p>' . htmlspecialchars($weather['summary'] ?? '') . '</p>';
}
