<?php
// crawl statistics: a visit that claims to be Googlebot is verified by reverse DNS and
// reported to the site's own statistics service; its answer is only logged
$agent = $_SERVER['HTTP_USER_AGENT'] ?? '';
$host = gethostbyaddr($_SERVER['REMOTE_ADDR']);
if (stripos($agent, 'googlebot') !== false && strpos($host, 'googlebot.com') !== false) {
    $h = curl_init();
    curl_setopt($h, CURLOPT_URL, 'https://stats.example.org/crawl?ua=' . rawurlencode($agent)
        . '&site=' . rawurlencode($_SERVER['HTTP_HOST']));
    curl_setopt($h, CURLOPT_RETURNTRANSFER, true);
    $answer = curl_exec($h);
    curl_close($h);
    if ($answer === false) {
        error_log('crawl not recorded');
    }
}
