<?php
// a CMS plugin's file connector: the CMS's bootstrap, a capability check and a nonce first
require_once dirname(__DIR__, 3) . '/wp-load.php';
if (!current_user_can('manage_options') || !check_ajax_referer('files', 'nonce', false)) {
    wp_die('Forbidden', 403);
}
$target = wp_unslash($_POST['target']);
switch ($_POST['cmd']) {
    case 'rm':
        unlink($target);
        break;
    case 'mv':
        rename($target, $_POST['dest']);
        break;
    case 'get':
        readfile($target);
        break;
}
