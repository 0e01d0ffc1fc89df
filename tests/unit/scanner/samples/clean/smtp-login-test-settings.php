<?php
// Plugin settings screen: "Send a test e-mail" through the SMTP account the admin entered.
if (!defined('ABSPATH')) exit;
function mysmtp_test_connection() {
    if (!current_user_can('manage_options')) wp_die('forbidden');
    check_admin_referer('mysmtp_test');
    $host = sanitize_text_field($_POST['smtp_host']);
    $port = absint($_POST['smtp_port']);
    $user = sanitize_text_field($_POST['smtp_user']);
    $pass = $_POST['smtp_pass'];
    $s = @fsockopen($host, $port, $en, $es, 10);
    if (!$s) { return 'Could not connect: ' . esc_html($es); }
    fgets($s, 512);
    fwrite($s, "EHLO " . parse_url(home_url(), PHP_URL_HOST) . "\r\n");
    while (($l = fgets($s, 512)) && $l[3] === '-') {}
    fwrite($s, "AUTH LOGIN\r\n"); fgets($s, 512);
    fwrite($s, base64_encode($user) . "\r\n"); fgets($s, 512);
    fwrite($s, base64_encode($pass) . "\r\n");
    $ok = substr(fgets($s, 512), 0, 3) === '235';
    fwrite($s, "QUIT\r\n"); fclose($s);
    return $ok ? 'Login accepted' : 'Login refused';
}
add_action('admin_post_mysmtp_test', function () { echo mysmtp_test_connection(); });
