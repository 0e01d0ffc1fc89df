<?php
// visit statistics by platform
$ua = $_SERVER['HTTP_USER_AGENT'] ?? '';
$os = stripos($ua, 'linux') !== false ? 'Linux' : 'Other';
$stats = json_decode(file_get_contents(__DIR__ . '/stats.json'), true) ?: array();
if ($os == 'Linux' || $os == 'Other') {
    $stats[$os] = ($stats[$os] ?? 0) + 1;
}
file_put_contents(__DIR__ . '/stats.json', json_encode($stats));
if (empty($stats)) {
    exit;
}
