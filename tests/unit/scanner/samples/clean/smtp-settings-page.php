<?php
// Settings page of an SMTP plugin: the posted account is saved, a test goes to the admin.
if (!current_user_can('manage_options')) {
    wp_die('Forbidden');
}
if (isset($_POST['smtp_save']) && check_admin_referer('smtp_settings')) {
    update_option('smtp_host', sanitize_text_field($_POST['smtp_host']));
    update_option('smtp_user', sanitize_text_field($_POST['smtp_user']));
    update_option('smtp_pass', $_POST['smtp_pass']);
}
if (isset($_POST['smtp_test'])) {
    $mail = new PHPMailer();
    $mail->isSMTP();
    $mail->Host = $_POST['smtp_host'];
    $mail->Username = $_POST['smtp_user'];
    $mail->Password = $_POST['smtp_pass'];
    $mail->SMTPAuth = true;
    $mail->addAddress(get_option('admin_email'));
    $mail->Subject = 'SMTP test';
    $mail->Body = 'If you read this, the SMTP settings work.';
    $mail->send();
}
