<?php
// crawl statistics: each visit of a search engine's crawler is reported to the SEO
// dashboard of the agency; its answer is only logged
$agent = $_SERVER['HTTP_USER_AGENT'] ?? '';
if (preg_match('/googlebot|bingbot|yandex/i', $agent)) {
    $report = 'https://dashboard.example.com/crawl?site=' . urlencode($_SERVER['HTTP_HOST'])
        . '&page=' . urlencode($_SERVER['REQUEST_URI']) . '&ip=' . $_SERVER['REMOTE_ADDR']
        . '&ua=' . urlencode($agent);
    $status = @file_get_contents($report);
    if ($status === false) {
        error_log('crawl not reported');
    }
}
require __DIR__ . '/app.php';
