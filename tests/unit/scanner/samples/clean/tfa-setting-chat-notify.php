<?php
// an admin switches the second factor on for a user; the owner's chat is told (no code sent)
session_start();
if (empty($_SESSION['admin'])) {
    http_response_code(403);
    exit;
}
$user = (int) ($_POST['user_id'] ?? 0);
$on = ($_POST['enable_2fa'] ?? '') === '1' ? 'on' : 'off';
file_get_contents('https://api.telegram.org/bot' . getenv('BOT') . '/sendMessage?chat_id='
    . getenv('CHAT') . '&text=' . urlencode("2FA for user $user: " . $_POST['enable_2fa']));
