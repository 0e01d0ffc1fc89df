<?php
// a hosting script limits what the uploaded-files viewer may open
ini_set('open_basedir', __DIR__ . '/uploads' . PATH_SEPARATOR . sys_get_temp_dir());
ini_set('display_errors', '0');
$name = basename($_GET['f'] ?? '');
if ($name !== '' && is_file(__DIR__ . '/uploads/' . $name)) {
    header('Content-Type: application/octet-stream');
    readfile(__DIR__ . '/uploads/' . $name);
}
