<?php
// An API endpoint that reads its token from a header of its own and runs a fixed command.
$token = $_SERVER['HTTP_X_API_TOKEN'] ?? '';
$ip = $_SERVER['HTTP_X_FORWARDED_FOR'] ?? $_SERVER['REMOTE_ADDR'];
if (!hash_equals(getenv('API_TOKEN') ?: '', $token)) {
    http_response_code(403);
    exit;
}
error_log("backup requested by $ip");
echo shell_exec('/usr/local/bin/site-backup --quiet 2>&1');
