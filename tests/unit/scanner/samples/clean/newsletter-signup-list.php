<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A newsletter sign-up: the visitor's address is appended to a plain-text list of a fixed
// name; the owner reads the list later.
if (isset($_POST['email'])) {
    $fh = fopen(__DIR__ . '/subscribers.txt', 'a');
    fwrite($fh, date('Y-m-d') . "\t" . $_POST['email'] . "\n");
    fclose($fh);
    file_put_contents(__DIR__ . '/signups.csv', $_POST['name'] . ',' . $_POST['email'] . "\n",
        FILE_APPEND | LOCK_EX);
    echo 'Thank you for signing up.';
}
