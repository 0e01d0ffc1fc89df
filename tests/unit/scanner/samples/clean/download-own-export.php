<?php
// a download page: a file of the exports folder, named by the request through basename()
$f = basename($_GET['f'] ?? '');
$path = __DIR__ . '/exports/' . $f;
if ($f === '' || !is_file($path)) { http_response_code(404); exit; }
header('Content-Type: text/plain');
readfile('php://filter/read=convert.base64-encode/resource=' . $path);
