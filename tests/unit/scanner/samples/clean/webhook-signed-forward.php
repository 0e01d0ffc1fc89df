<?php
// spamtrace test sample: an ordinary script (a look-alike the rules must let go), written for the scanner tests.
// Stripe webhook: verify the signature with the (base64) secret and hand the event to the worker
function forward_event() {
    $raw = file_get_contents('php://input');
    $secret = base64_decode('d2hzZWNfdGVzdF9zZWNyZXQ=');
    $sig = $_SERVER['HTTP_STRIPE_SIGNATURE'] ?? '';
    if (!hash_equals(hash_hmac('sha256', $raw, $secret), $sig)) { http_response_code(400); exit; }
    $ch = curl_init('http://127.0.0.1:8081/events');
    curl_setopt($ch, CURLOPT_POSTFIELDS, $raw);
    curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
    curl_exec($ch);
}
forward_event();
