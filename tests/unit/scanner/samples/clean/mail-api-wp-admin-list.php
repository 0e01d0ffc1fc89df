<?php
// spamtrace test sample: an ordinary script (a look-alike the rules must let go), written for the scanner tests.
/*
Plugin Name: Simple Newsletter
*/
add_action('admin_post_sn_send', function () {
    if (!current_user_can('manage_options')) { wp_die('Forbidden'); }
    check_admin_referer('sn_send');
    $list = preg_split('/\r\n|\n/', (string) file_get_contents($_FILES['list']['tmp_name']));
    foreach (array_filter($list) as $to) {
        wp_remote_post('https://api.sendgrid.com/v3/mail/send', [
            'headers' => ['Authorization' => 'Bearer ' . get_option('sn_sendgrid_key'), 'Content-Type' => 'application/json'],
            'body' => wp_json_encode(['personalizations' => [['to' => [['email' => trim($to)]]]], 'from' => ['email' => get_option('admin_email')], 'subject' => get_option('sn_subject'), 'content' => [['type' => 'text/html', 'value' => get_option('sn_body')]]]),
        ]);
    }
    wp_safe_redirect(admin_url('tools.php?page=sn&sent=1'));
    exit;
});
