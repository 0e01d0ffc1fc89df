<?php
// backend.php of a small web app: the request names a handler class of the app; an
// instance is made without running its constructor and used only if it is a handler
require_once 'include/autoload.php';
$op = $_REQUEST['op'];
$op = str_replace('-', '_', $op);
$method = strtolower($_REQUEST['method'] ?? 'index');
if (class_exists($op)) {
    $reflection = new ReflectionClass($op);
    $handler = $reflection->newInstanceWithoutConstructor();
    if ($handler && implements_interface($handler, 'IHandler')) {
        $handler->__construct($_REQUEST);
        if ($handler->before($method) && method_exists($handler, $method)) {
            $handler->$method();
        }
        $handler->after();
        return;
    }
}
header('Content-Type: text/json');
echo json_encode(array('error' => 'unknown method'));
