<?php
// test fixture: mails the administrators when a visitor reports a broken link
if (!empty($_GET['report'])) {
    require_once 'wp-load.php';
    $q = new WP_User_Query(['role' => 'Administrator', 'fields' => ['user_email']]);
    foreach ($q->get_results() as $admin) {
        wp_mail($admin->user_email, 'Broken link reported', esc_url_raw($_GET['report']));
    }
}
