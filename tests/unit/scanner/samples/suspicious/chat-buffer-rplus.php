<?php
// Chat endpoint: append a message to the room's buffer file and keep the last ten.
$size = 10;
if (isset($_POST['msg'], $_POST['room'], $_POST['name'])) {
    $buffer = fopen($_POST['room'], 'r+b');
    flock($buffer, LOCK_EX);
    $data = stream_get_contents($buffer);
    $messages = $data ? json_decode($data, true) : array();
    $next = count($messages) > 0 ? $messages[count($messages) - 1]['id'] + 1 : 0;
    $messages[] = array('id' => $next, 'time' => time(), 'name' => $_POST['name'], 'content' => $_POST['msg']);
    if (count($messages) > $size) {
        $messages = array_slice($messages, count($messages) - $size);
    }
    ftruncate($buffer, 0);
    rewind($buffer);
    fwrite($buffer, json_encode($messages));
    flock($buffer, LOCK_UN);
    fclose($buffer);
    exit();
}
