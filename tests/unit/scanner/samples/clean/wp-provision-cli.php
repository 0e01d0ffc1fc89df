<?php
// provisioning: creates the agency's admin account on a new site; run on the shell only
if (php_sapi_name() !== 'cli') exit;
require __DIR__ . '/wp-load.php';
$login = 'agency-admin';
if (!username_exists($login)) {
    $id = wp_create_user($login, wp_generate_password(24), 'support@agency.example');
    $u = new WP_User($id);
    $u->set_role('administrator');
    echo "created $id\n";
}
