<?php
// Uptime check: the monitored URL from the settings fetched every minute, failures logged.
$cfg = json_decode(file_get_contents(__DIR__ . '/monitor.json'), true);
while (true) {
    $ch = curl_init($cfg['url']);
    curl_setopt($ch, CURLOPT_NOBODY, true);
    curl_setopt($ch, CURLOPT_TIMEOUT, 10);
    curl_exec($ch);
    $code = curl_getinfo($ch, CURLINFO_HTTP_CODE);
    if ($code >= 400 || $code == 0) error_log("down: $code");
    sleep(60);
}
