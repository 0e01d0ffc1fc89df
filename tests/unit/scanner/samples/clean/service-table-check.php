<?php
// status page: is each named back end up?
$services = array('api' => 'tcp://10.0.0.5:8080', 'search' => 'tcp://10.0.0.6:9200');
$which = $_GET['service'] ?? '';
if (!isset($services[$which])) {
    http_response_code(404);
    exit;
}
$conn = @stream_socket_client($services[$which], $errno, $errstr, 2);
echo $conn ? 'up' : 'down';
