<?php
/**
 * Clean look-alike: a small plugin's standalone endpoint that uses server variables the way
 * legitimate code does (include from DOCUMENT_ROOT, a log line, basic-auth parsing, a notice
 * mail, an avatar upload). None of it is request input a visitor controls.
 */
require_once $_SERVER['DOCUMENT_ROOT'] . '/wp-load.php';
$config = require getenv('APP_BASE_PATH') . '/config/app.php';

function myplugin_log($msg) {
    $fh = fopen(WP_CONTENT_DIR . '/myplugin.log', 'a');
    fwrite($fh, date('c') . ' ' . $_SERVER['REMOTE_ADDR'] . ' ' . $_SERVER['REQUEST_URI'] . ' ' . $msg . "\n");
    fclose($fh);
}

function myplugin_basic_auth() {
    if (!isset($_SERVER['HTTP_AUTHORIZATION'])) {
        return null;
    }
    list($user, $pass) = explode(':', base64_decode(substr($_SERVER['HTTP_AUTHORIZATION'], 6)));
    return wp_authenticate($user, $pass);
}

function myplugin_notify_admin($subject) {
    $body = 'Request from ' . $_SERVER['REMOTE_ADDR'] . ' at ' . $_SERVER['REQUEST_URI'];
    mail(get_option('admin_email'), $subject, $body . ' host ' . $_SERVER['HTTP_HOST']);
}

if (isset($_FILES['avatar']) && current_user_can('upload_files')) {
    $name = sanitize_file_name($_FILES['avatar']['name']);
    move_uploaded_file($_FILES['avatar']['tmp_name'], $_SERVER['DOCUMENT_ROOT'] . '/avatars/' . $name);
}
myplugin_log('endpoint called');
