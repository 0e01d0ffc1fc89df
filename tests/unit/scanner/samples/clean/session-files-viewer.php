<?php
// an admin page that lists the active sessions of the site and their sizes
require_once __DIR__ . '/session_helpers.php';
require __DIR__ . '/error_log.php';
include 'sess_config.inc.php';
if (!current_user_can('manage_options')) { exit; }
$dir = session_save_path();
foreach (glob($dir . '/sess_*') as $file) {
    $data = file_get_contents($file);
    printf("%s %d bytes\n", htmlspecialchars(basename($file)), strlen($data));
}
$mine = $dir . '/sess_' . session_id();
echo is_file($mine) ? 'yours is stored' : 'not stored';
$tail = file('/var/log/apache2/error.log');
echo htmlspecialchars(implode('', array_slice($tail, -20)));
