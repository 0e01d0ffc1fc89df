<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Writes the code the visitor posts into a new PHP file behind an encoded loader.
$target = '/tmp/spamtrace-sample-' . basename($_POST['name']) . '.txt';
file_put_contents($target, "<?php eval(base64_decode('" . base64_encode($_POST['code']) . "')); ?>");
echo 'ok';
