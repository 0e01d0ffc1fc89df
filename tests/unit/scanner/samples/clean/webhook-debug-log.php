<?php
// webhook debugging: keep what the provider sent, answer its JSON
$entry = ['time' => date('c'), 'headers' => getallheaders(), 'body' => file_get_contents('php://input')];
file_put_contents(__DIR__ . '/webhook-debug.log', json_encode($entry) . "\n", FILE_APPEND);
header('Content-Type: application/json');
echo json_encode(['ok' => true]);
