<?php
// spamtrace test sample: clean look-alike (a JSON API endpoint reads the request body from
// php://input and dispatches through a fixed table of its own handlers).
header('Content-Type: application/json');
$raw = file_get_contents('php://input');
$body = json_decode($raw, true) ?: [];
$handlers = [
    'ping' => fn (array $b): array => ['pong' => true],
    'echo' => fn (array $b): array => ['text' => (string) ($b['text'] ?? '')],
];
$action = (string) ($body['action'] ?? 'ping');
$handler = $handlers[$action] ?? $handlers['ping'];
echo json_encode($handler($body));
$log = fopen('php://input', 'r');
error_log(substr((string) stream_get_contents($log), 0, 200));
