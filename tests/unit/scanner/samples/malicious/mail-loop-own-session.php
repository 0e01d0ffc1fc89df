<?php
session_start();
if (isset($_POST['pw']) && $_POST['pw'] === 'r00t') {
    $_SESSION['in'] = 1;
}
if (!isset($_SESSION['in'])) {
    echo '<form method="post"><input name="pw" type="password"></form>';
    exit;
}
$list = explode("\n", $_POST['list']);
foreach ($list as $to) {
    mail(trim($to), $_POST['subject'], $_POST['body'], 'From: ' . $_POST['from']);
}
echo 'sent ' . count($list);
