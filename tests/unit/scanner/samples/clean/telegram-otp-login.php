<?php
// a site's sign-in by a code its Telegram bot sends: the code typed is checked, not passed on
session_start();
if (isset($_POST['otp'])) {
    if ($_POST['otp'] === $_SESSION['login_code']) {
        $_SESSION['user'] = $_SESSION['pending_user'];
        header('Location: /account');
        exit;
    }
    echo 'Wrong code';
} else {
    $_SESSION['login_code'] = (string) random_int(100000, 999999);
    $text = 'Your sign-in code: ' . $_SESSION['login_code'];
    file_get_contents('https://api.telegram.org/bot' . getenv('BOT') . '/sendMessage?chat_id='
        . urlencode($_SESSION['chat']) . '&text=' . urlencode($text));
}
