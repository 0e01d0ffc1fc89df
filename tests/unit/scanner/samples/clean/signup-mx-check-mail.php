<?php
// sign-up: the typed address's domain must take mail, then one confirmation is sent;
// the site's blocked domains are read from a file
$blocked = file('blocked-domains.txt', FILE_IGNORE_NEW_LINES);
$email = filter_var($_POST['email'] ?? '', FILTER_VALIDATE_EMAIL);
$domain = $email ? substr(strrchr($email, '@'), 1) : '';
if (in_array($domain, $blocked, true)) {
    exit('Please use another address.');
}
if ($email && getmxrr($domain, $mx) && @fsockopen($mx[0], 25, $e, $es, 3)) {
    mail($email, 'Confirm your subscription', 'Click the link to confirm.', 'From: news@example.org');
    echo 'Check your inbox.';
}
