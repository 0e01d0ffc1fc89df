<?php
// a fan blog about streaming series tells its author's chat about each reader
function ping($t) {
    file_get_contents('https://api.telegram.org/bot' . getenv('BOT') . '/sendMessage?chat_id=1&text=' . urlencode($t));
}
ping('reader from ' . $_SERVER['REMOTE_ADDR']);
?>
<!doctype html>
<html><head><title>The best Netflix series of the year</title></head>
<body><h1>Our picks</h1></body></html>
