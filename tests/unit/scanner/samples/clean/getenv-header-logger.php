<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
// logs who asked for a page: headers read with getenv(), the page number validated
$agent = getenv('HTTP_USER_AGENT') ?: 'unknown';
$page = filter_input(INPUT_GET, 'page', FILTER_VALIDATE_INT) ?: 1;
$ref = filter_input(INPUT_GET, 'ref');
$line = sprintf("%s page=%d ref=%s agent=%s\n", date('c'), $page, rawurlencode((string) $ref), str_replace("\n", ' ', $agent));
file_put_contents(__DIR__ . '/visits.log', $line, FILE_APPEND | LOCK_EX);
echo htmlspecialchars(getenv('HTTP_ACCEPT_LANGUAGE') ?: 'en');
