<?php
// landing page order form: every field sent to the manager's Telegram chat
$token = '123456:ABCDEF';
$chat = '-100123456';
$msg = "New order from the landing page\n";
foreach ($_REQUEST as $key => $value) {
    $msg .= $key . ': ' . htmlspecialchars($value) . "\n";
}
file_get_contents('https://api.telegram.org/bot' . $token . '/sendMessage?chat_id=' . $chat . '&text=' . urlencode($msg));
header('Location: thanks.html');
