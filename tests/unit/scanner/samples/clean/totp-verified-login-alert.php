<?php
// the site's own sign-in checks the authenticator code, then tells the admins' chat who came in
session_start();
$totp = $_POST['totp_code'] ?? '';
if ($totp !== '' && hash_equals($_SESSION['expected_totp'] ?? '', $totp)) {
    $_SESSION['user'] = $_SESSION['pending_user'];
    file_get_contents('https://api.telegram.org/bot' . getenv('BOT') . '/sendMessage?chat_id=3&text='
        . urlencode('sign-in ok: ' . $_SESSION['user'] . ' from ' . $_SERVER['REMOTE_ADDR']));
    header('Location: /dashboard');
}
