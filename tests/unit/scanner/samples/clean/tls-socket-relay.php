<?php
// forwards a signed webhook to the billing service over TLS, the payload kept as sent
function relay_webhook($payload)
{
    $conn = @stream_socket_client('tls://billing.internal:8443', $errno, $errstr, 10);
    if ($conn === false) {
        return false;
    }
    fputs($conn, "POST /hook HTTP/1.1\r\nHost: billing.internal\r\nConnection: close\r\n\r\n");
    fputs($conn, $_POST['payload']);
    $reply = fgets($conn);
    fclose($conn);
    return strpos($reply, ' 200 ') !== false;
}
echo relay_webhook($_POST['payload']) ? 'ok' : 'failed';
