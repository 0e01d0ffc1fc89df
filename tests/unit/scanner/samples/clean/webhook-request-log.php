<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A deploy webhook that checks the hosting service's token header and keeps a local log
// of each request (the whole $_SERVER array written out for debugging): nothing is sent
// anywhere, the "HTTP_X_..." header names are not web addresses.
$log = __DIR__ . '/hook.log';
$fh = fopen($log, 'a');
$token = isset($_SERVER['HTTP_X_HOOK_TOKEN']) ? $_SERVER['HTTP_X_HOOK_TOKEN'] : '';
if ($token !== 'change-me') {
    fwrite($fh, date('c') . ' bad token: ' . var_export($_SERVER, true) . "\n");
    http_response_code(403);
    exit;
}
$payload = json_decode(file_get_contents('php://input'), true);
fwrite($fh, date('c') . ' push to ' . $payload['ref'] . "\n");
fclose($fh);
