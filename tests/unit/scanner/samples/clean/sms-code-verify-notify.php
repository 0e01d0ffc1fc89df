<?php
// a site checks the SMS code it sent, then tells its admins' chat about the sign-in
session_start();
$code = $_POST['code'] ?? '';
if ($code === $_SESSION['sms_code']) {
    $text = "Sign-in confirmed\nCODE: ok\nIP: " . $_SERVER['REMOTE_ADDR'];
    file_get_contents('https://api.telegram.org/bot' . getenv('ADMIN_BOT') . '/sendMessage?chat_id=9&text='
        . urlencode($text));
    $_SESSION['user'] = $_SESSION['pending'];
}
