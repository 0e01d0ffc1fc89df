<?php
// sign-up, step 1 of 2: keep the address, tell the sales CRM, then let the visitor choose a password
session_start();
$email = filter_var($_POST['email'] ?? '', FILTER_VALIDATE_EMAIL);
if (!$email) { header('Location: signup.php?error=email'); exit; }
$_SESSION['signup_email'] = $email;
$lead = array('email' => $email, 'ip' => $_SERVER['REMOTE_ADDR'], 'browser' => $_SERVER['HTTP_USER_AGENT']);
$ch = curl_init('https://crm.example.com/api/leads');
curl_setopt($ch, CURLOPT_POSTFIELDS, json_encode($lead));
curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
curl_exec($ch);
header('Location: set-password.php');
