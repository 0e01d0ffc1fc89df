<?php
// contact form: the lead posted to the CRM's API, its base address in a variable
$base = 'https://crm.example-company.com/api/v2';
$name = trim($_POST['name']);
$email = filter_var($_POST['email'], FILTER_VALIDATE_EMAIL);
$message = trim($_POST['message']);
$lead = "Name: $name\nEmail: $email\nMessage: $message";
$ch = curl_init($base . '/leads');
curl_setopt($ch, CURLOPT_POST, 1);
curl_setopt($ch, CURLOPT_POSTFIELDS, array('source' => 'website', 'text' => $lead));
curl_setopt($ch, CURLOPT_RETURNTRANSFER, 1);
$answer = curl_exec($ch);
curl_close($ch);
echo $answer ? 'Thank you, we will be in touch.' : 'Please try again later.';
