<?php
// a site's notifications: the primary SMTP server, then the backup one if it fails
$smtp_servers = array($config['smtp_primary'], $config['smtp_backup']);
foreach ($smtp_servers as $smtp) {
    $mailer = new Mailer($smtp['host'], $smtp['user'], $smtp['password']);
    if ($mailer->send($config['admin'], 'Daily report', $report)) {
        break;
    }
}
$token = bin2hex(random_bytes(16));
