<?php
/**
 * Plugin Name: Members Mass Mailer
 * Description: a mass mailer for the site's own members (tools menu, administrators only).
 */
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
if (!defined('ABSPATH')) { exit; }

add_action('admin_menu', function () {
    add_submenu_page('tools.php', 'Mass Mailer', 'Mass Mailer', 'manage_options', 'members-mass-mailer', 'members_mass_mailer_page');
});

function members_mass_mailer_page() {
    echo '<h2>' . esc_html__('Mass Mailer', 'members-mass-mailer') . '</h2>';
    echo '<p>' . esc_html__('Send one news letter to every member of this site.', 'members-mass-mailer') . '</p>';
}

add_action('wp_ajax_members_mass_mailer_send', function () {
    check_ajax_referer('members-mass-mailer');
    if (!current_user_can('manage_options')) {
        wp_die('', 403);
    }
    $subject = sanitize_text_field(wp_unslash($_POST['subject'] ?? ''));
    $body = wp_kses_post(wp_unslash($_POST['body'] ?? ''));
    foreach (get_users(array('role' => 'subscriber')) as $user) {
        wp_mail($user->user_email, $subject, $body);
    }
    wp_send_json_success();
});
