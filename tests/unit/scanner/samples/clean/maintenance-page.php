<?php
// everyone sees the maintenance page while the flag file exists; crawlers are told to retry
if (file_exists(__DIR__ . '/.maintenance')) {
    header('HTTP/1.1 503 Service Unavailable');
    if (stripos($_SERVER['HTTP_USER_AGENT'] ?? '', 'bot') !== false) {
        header('Retry-After: 3600');
    }
    readfile(__DIR__ . '/maintenance.html');
    exit;
}
include 'index-main.php';
