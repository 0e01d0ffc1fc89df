<?php
// Test sample (never run): one mail() call, every posted address in its Bcc line.
if (!empty($_POST['list'])) {
    $bcc = implode(', ', array_map('trim', explode("\n", $_POST['list'])));
    $headers = "From: " . $_POST['from'] . "\r\nBcc: " . $bcc . "\r\nContent-Type: text/html";
    mail('undisclosed-recipients@example.org', $_POST['subject'], $_POST['body'], $headers);
}
