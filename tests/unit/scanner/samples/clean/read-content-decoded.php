<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A JSON endpoint: what it reads is decoded and measured, never called.
$body = json_decode(file_get_contents('php://input'), true);
$h = fopen(__DIR__ . '/motd.txt', 'r');
$head = trim(fgets($h));
fclose($h);
header('Content-Type: application/json');
echo json_encode(array('ok' => is_array($body), 'motd' => $head, 'size' => strlen((string) fread(STDIN, 16))));
