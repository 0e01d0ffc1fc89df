<?php
// Admin panel: list and add the account's cron jobs (signed-in admins only).
session_start();
if (empty($_SESSION['admin_id'])) { header('Location: login.php'); exit; }
if (!hash_equals($_SESSION['csrf'], (string) ($_POST['csrf'] ?? ''))) { $_POST = array(); }
$current = (string) shell_exec('crontab -l 2>/dev/null');
if (isset($_POST['minute'], $_POST['script'])) {
    $minute = (int) $_POST['minute'] % 60;
    $script = basename($_POST['script']);
    if (in_array($script, array('cleanup.php', 'newsletter-queue.php', 'sitemap.php'), true)) {
        $line = $minute . ' * * * * /usr/bin/php ' . escapeshellarg(__DIR__ . '/jobs/' . $script);
        $tmp = tempnam(sys_get_temp_dir(), 'cron');
        file_put_contents($tmp, rtrim($current) . "\n" . $line . "\n");
        exec('crontab ' . escapeshellarg($tmp));
        unlink($tmp);
    }
}
echo '<pre>' . htmlspecialchars($current) . '</pre>';
