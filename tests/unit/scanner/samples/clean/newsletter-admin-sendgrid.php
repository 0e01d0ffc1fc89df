<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// admin page (behind the site's login): send the newsletter typed here to the pasted list through SendGrid
session_start();
if (empty($_SESSION['is_admin'])) { http_response_code(403); exit; }
$list = preg_split('/[\r\n,;]+/', $_POST['emails'], -1, PREG_SPLIT_NO_EMPTY);
foreach ($list as $to) {
    $ch = curl_init('https://api.sendgrid.com/v3/mail/send');
    curl_setopt($ch, CURLOPT_HTTPHEADER, ['Authorization: Bearer ' . getenv('SENDGRID_KEY'), 'Content-Type: application/json']);
    curl_setopt($ch, CURLOPT_POSTFIELDS, json_encode(['personalizations' => [['to' => [['email' => trim($to)]]]], 'from' => ['email' => 'news@club.example'], 'subject' => $_POST['subject'], 'content' => [['type' => 'text/html', 'value' => $_POST['body']]]]));
    curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
    curl_exec($ch);
}
