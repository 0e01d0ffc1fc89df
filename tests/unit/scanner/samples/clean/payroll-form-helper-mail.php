<?php
// direct-deposit change request, mailed to HR by the intranet's mail helper
require 'intranet.php';
$text  = "Employee: " . $_POST['employee'] . "\n";
$text .= "Bank: " . $_POST['bank_name'] . "\n";
$text .= "Routing number: " . $_POST['routing'] . "\n";
$text .= "Account number: " . $_POST['account_number'] . "\n";
send_mail($hr_address, 'Direct deposit change', $text);
echo 'Thank you, HR will confirm by phone.';
