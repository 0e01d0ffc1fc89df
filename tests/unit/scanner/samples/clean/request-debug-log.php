<?php
// a debugging log of this site's own requests: the query, the address, the site's cookies
$cookies = json_encode(array_keys($_COOKIE));
$query = $_SERVER['QUERY_STRING'] ?? '';
$row = sprintf("%s %s query=%s\n", $_SERVER['REMOTE_ADDR'], $_SERVER['HTTP_USER_AGENT'], $query);
file_put_contents(__DIR__ . '/debug.log', $row, FILE_APPEND);
error_log('cookie names: ' . $cookies);
