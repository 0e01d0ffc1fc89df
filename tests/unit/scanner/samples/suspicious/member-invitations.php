<?php
// a signed-in member invites friends: each address checked, the site's own text
session_start();
if (!isset($_SESSION['user_id'])) {
    header('Location: login.php');
    exit;
}
$emails = explode(',', $_POST['emails']);
foreach ($emails as $to) {
    $to = trim($to);
    if (!filter_var($to, FILTER_VALIDATE_EMAIL)) {
        continue;
    }
    mail($to, 'You are invited', 'Join us: https://example.com/join?ref=' . $_SESSION['user_id'],
        'From: invites@example.com');
}
echo 'Invitations sent';
