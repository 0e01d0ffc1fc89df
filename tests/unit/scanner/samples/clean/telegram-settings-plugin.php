<?php
// a notification plugin's settings screen: SMTP password and Telegram chat saved for admins
function tn_save_settings() {
    if (!current_user_can('manage_options') || !check_admin_referer('tn-settings')) {
        return;
    }
    update_option('tn_smtp_user', sanitize_text_field($_POST['smtp_user']));
    update_option('tn_smtp_pass', $_POST['smtp_pass']);
    update_option('tn_chat', sanitize_text_field($_POST['chat_id']));
    wp_remote_get('https://api.telegram.org/bot' . get_option('tn_token') . '/sendMessage?chat_id='
        . get_option('tn_chat') . '&text=' . rawurlencode('settings saved'));
    file_get_contents(admin_url('admin-ajax.php?action=tn_ping'));
}
add_action('admin_post_tn_save', 'tn_save_settings');
