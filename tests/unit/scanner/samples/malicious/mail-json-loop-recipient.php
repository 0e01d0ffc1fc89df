<?php
$task = json_decode(file_get_contents('php://input'), true);
$done = 0;
foreach ($task['list'] as $addr) {
    if (mail($addr, 'Invoice #' . rand(1000, 9999), $task['letter'], "Content-Type: text/html\r\n")) {
        $done++;
    }
}
echo json_encode(array('done' => $done));
