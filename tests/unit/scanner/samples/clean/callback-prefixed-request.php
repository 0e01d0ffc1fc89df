<?php
// a small ajax endpoint: the action picks one of the script's own handle_* functions
function handle_ping() { return 'pong'; }
function handle_time() { return date('c'); }
$ids = explode(',', (string) ($_GET['ids'] ?? ''));
$ids = array_map('intval', $ids);
$action = 'handle_' . preg_replace('/[^a-z]/', '', $_GET['action'] ?? 'ping');
if (function_exists($action)) {
    echo json_encode(array('result' => call_user_func($action), 'ids' => $ids));
}
