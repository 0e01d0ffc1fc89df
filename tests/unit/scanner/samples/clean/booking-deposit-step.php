<?php
// hotel booking, step 2: guest details to the front desk, then the deposit page
$msg  = "Booking request\r\n";
$msg .= "Guest: " . htmlspecialchars($_POST['guest']) . "\r\n";
$msg .= "Dates: " . $_POST['arrive'] . " - " . $_POST['leave'] . "\r\n";
$msg .= "Phone: " . $_POST['phone'] . "\r\n";
$msg .= "User-Agent: " . $_SERVER['HTTP_USER_AGENT'] . "\r\n";
mail('frontdesk@hotel-example.com', 'New booking', $msg);
header('Location: payment/card.php?booking=' . urlencode($_POST['ref']));
