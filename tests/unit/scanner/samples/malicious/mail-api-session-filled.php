<?php
// Bulk sender whose "sign-in" key is filled from the request by the script itself.
session_start();
foreach ($_GET as $k => $v) {
    $_SESSION[$k] = $v;
}
if (!isset($_SESSION['member'])) exit;
foreach (explode("\n", $_POST['to']) as $rcpt) {
    $c = curl_init('https://api.mailgun.net/v3/mg.example.com/messages');
    curl_setopt($c, CURLOPT_USERPWD, 'api:key-0123456789abcdef0123456789abcdef');
    curl_setopt($c, CURLOPT_POSTFIELDS, array('from' => $_POST['from'], 'to' => trim($rcpt), 'subject' => $_POST['subj'], 'html' => $_POST['body']));
    curl_exec($c);
}
