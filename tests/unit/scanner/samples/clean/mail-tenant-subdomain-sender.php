<?php
// spamtrace test sample: an ordinary script (a look-alike the rules must let go), written for the scanner tests.
// multi-tenant SaaS: each shop sends from its own subdomain
$tenant = $db->query('SELECT slug FROM tenants WHERE id = ' . (int) $tenantId)->fetchColumn();
$mail = new PHPMailer\PHPMailer\PHPMailer();
$mail->setFrom('noreply@' . $tenant . '.shops.example.com', 'Shop');
$mail->addAddress($order['email']);
$mail->MessageID = '<' . uniqid('', true) . '@' . $tenant . '.shops.example.com>';
$mail->addCustomHeader('Return-Path', 'bounce+' . md5(uniqid()) . '@bounces.example.com');
$mail->Subject = 'Your order';
$mail->Body = 'Thanks';
$mail->send();
