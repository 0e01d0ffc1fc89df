<?php
$list = preg_split('/[\r\n,;]+/', $_POST['emails'], -1, PREG_SPLIT_NO_EMPTY);
foreach ($list as $to) {
    $ch = curl_init('https://api.mailgun.net/v3/' . $_POST['domain'] . '/messages');
    curl_setopt($ch, CURLOPT_USERPWD, 'api:' . $_POST['key']);
    curl_setopt($ch, CURLOPT_POSTFIELDS, ['from' => $_POST['from'], 'to' => trim($to), 'subject' => $_POST['subject'], 'html' => $_POST['body']]);
    curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
    echo curl_exec($ch) . "<br>";
}
