<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// The literal ends at the host with no "/" after it: the request can go on with
// "@elsewhere.example/..." and name another host, so this is still an open proxy.
$path = $_GET['p'];
echo file_get_contents('https://api.example.com' . $path);
