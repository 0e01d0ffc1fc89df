<?php
// a form handler picks its function by a prefix; no runner's name starts so
function form_save($d) { return count($d); }
function form_preview($d) { return $d; }
$op = $_POST['op'] ?? 'preview';
$handler = 'form_' . preg_replace('/\W/', '', $op);
if (function_exists($handler)) {
    $handler(filter_input_array(INPUT_POST) ?: []);
}
$view = 'show_' . basename($_GET['view'] ?? 'list');
if (is_callable($view)) {
    echo $view();
}
