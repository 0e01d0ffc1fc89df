<?php
// Health check for the mail relay the application uses: reads the SMTP greeting and says QUIT.
$cfg = require __DIR__ . '/config/mail.php';
$sock = @stream_socket_client('tcp://' . $cfg['host'] . ':' . $cfg['port'], $errno, $errstr, 5);
if (!$sock) {
    http_response_code(503);
    exit('mail relay down: ' . $errstr);
}
$greeting = fgets($sock, 512);
fwrite($sock, "QUIT\r\n");
fclose($sock);
echo strpos($greeting, '220') === 0 ? 'OK' : 'unexpected greeting';
