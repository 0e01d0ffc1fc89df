<?php
// A video surveillance panel asks its own helper binary about a camera: the command is the
// script's, the visitor's value is one quoted argument (the common, safe way to run a tool).
define('ZM_BIN', '/usr/lib/cctv/bin');

function camera_status(): array
{
    $id = $_REQUEST['id'] ?? '';
    $output = [];
    exec(ZM_BIN . "/camctl --monitor " . escapeshellarg($id) . " --query", $output, $status);
    return ['status' => $status, 'lines' => $output];
}

header('Content-Type: application/json');
echo json_encode(camera_status());
