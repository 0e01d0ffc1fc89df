<?php
// an API's request log for support: the posted body in the application's logs folder,
// its own cache kept in .cache (not a log of requests)
error_log(date('c') . ' ' . json_encode($_POST) . "\n", 3, __DIR__ . '/storage/logs/api-requests.log');
file_put_contents(__DIR__ . '/.cache/routes.json', json_encode(['built' => time()]));
file_put_contents(__DIR__ . '/.cache/last-form.json', json_encode($_POST), FILE_APPEND);
header('Content-Type: application/json');
echo json_encode(['ok' => true]);
