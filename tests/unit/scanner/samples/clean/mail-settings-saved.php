<?php
// a notifier's settings page: the mail server, its account and where to send alerts,
// kept in the app's own settings file for its cron job to read
$enabled   = $_POST['notifyEnabled'];
$smtpHost  = $_POST['notifySmtpHost'];
$smtpUser  = $_POST['notifyUsername'];
$smtpPass  = $_POST['notifyPassword'];
$recipient = $_POST['notifyRecipient'];

require_once __DIR__ . '/lib/settings.php';
$settings = load_settings();
$settings['notify'] = array();
if ($enabled) {
    $settings['notify'] = array(
        'smtpHost' => $smtpHost,
        'username' => $smtpUser,
        'password' => $smtpPass,
        'recipient' => $recipient,
    );
}
file_put_contents(DATA_DIR . '/settings.json', json_encode($settings));
chmod(DATA_DIR . '/settings.json', 0600);
header('Location: settings.php?saved=1');
