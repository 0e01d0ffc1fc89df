<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// a controller that gathers its values with compact() and calls its own handlers
function save_user($id, $name) { /* stored by the model */ return true; }
function render($tpl, array $vars) { extract($vars); include __DIR__ . '/views/' . $tpl . '.php'; }
$id = (int) ($_GET['id'] ?? 0);
$name = trim($_POST['name'] ?? '');
$action = $_POST['action'] ?? 'show';
$data = compact('id', 'name', 'action');
if ($data['action'] === 'save') {
    call_user_func_array('save_user', array($data['id'], $data['name']));
}
$handlers = array('show' => 'render');
call_user_func($handlers['show'], 'user', $data);
