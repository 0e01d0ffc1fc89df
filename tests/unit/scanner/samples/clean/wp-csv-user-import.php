<?php
/*
Plugin Name: Simple CSV User Import
*/
add_action('admin_menu', function () {
    add_users_page('Import users', 'Import users', 'create_users', 'csv-user-import', 'cui_page');
});
function cui_page() {
    if (!current_user_can('create_users')) wp_die('no');
    if (!empty($_FILES['csv']['tmp_name']) && check_admin_referer('cui_import')) {
        $fh = fopen($_FILES['csv']['tmp_name'], 'r');
        $allowed = array('subscriber', 'contributor', 'author', 'editor', 'administrator');
        while (($row = fgetcsv($fh)) !== false) {
            list($login, $email, $role) = array_pad($row, 3, 'subscriber');
            $role = in_array($role, $allowed, true) ? $role : 'subscriber';
            $id = wp_insert_user(array('user_login' => sanitize_user($login), 'user_email' => sanitize_email($email), 'user_pass' => wp_generate_password(), 'role' => $role));
            if (!is_wp_error($id)) wp_new_user_notification($id, null, 'user');
        }
        fclose($fh);
    }
    echo '<form method="post" enctype="multipart/form-data">';
    wp_nonce_field('cui_import');
    echo '<input type="file" name="csv"><button>Import</button></form>';
}
