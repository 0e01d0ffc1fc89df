<?php
error_reporting(0);
include_once 'conndb.php';
$to = mysqli_real_escape_string($conn, $_POST['to']);
$subject = mysqli_real_escape_string($conn, $_POST['subject']);
$message = mysqli_real_escape_string($conn, $_POST['message']);
mail($to, $subject, $message, "From: info@example.com");
echo 'ok';
