<?php
// registration page of a forum: its own captcha module checks the answer first
require_once __DIR__ . '/modules/antibot.php';
if (!antibot_check($_POST['captcha'] ?? '')) {
    die('Wrong code');
}
$ip = $_SERVER['REMOTE_ADDR'];
$pdo = new PDO('sqlite:' . __DIR__ . '/forum.db');
$st = $pdo->prepare('INSERT INTO users (name, mail, ip) VALUES (?, ?, ?)');
$st->execute([$_POST['name'], $_POST['mail'], $ip]);
mail('admin@example.org', 'New member', 'A member joined from ' . $ip);
header('Location: welcome.php');
