<?php
// test sample (never run): a bulk-mailer form whose fields reach mail() through variables
$from = $_POST['from'];
$subject = $_POST['subject'];
$letter = $_POST['letter'];
$list = explode("\n", $_POST['emails']);
foreach ($list as $rcpt) {
    $rcpt = trim($rcpt);
    mail($rcpt, $subject, $letter, "From: $from\r\nX-Mailer: Microsoft Outlook");
}
echo count($list) . ' sent';
