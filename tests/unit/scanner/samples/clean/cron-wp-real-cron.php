<?php
// hosting helper: run WordPress's cron from the system cron instead of page views
$site = 'https://example.com';
$job = '*/5 * * * * curl -s ' . $site . '/wp-cron.php?doing_wp_cron > /dev/null 2>&1';
$current = shell_exec('crontab -l 2>/dev/null');
if (strpos((string) $current, 'wp-cron.php') === false) {
    shell_exec('(crontab -l 2>/dev/null; echo ' . escapeshellarg($job) . ') | crontab -');
}
echo shell_exec('crontab -l');
