<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A backup page's download action: sends the file the request names (path traversal if
// nothing else checks it: suspicious), but reads, prints nothing else and sends nothing out.
if (!isset($_GET['file']) || !is_file($_GET['file'])) {
    exit;
}
header('Content-Type: application/octet-stream');
header('Content-Disposition: attachment; filename=' . basename($_GET['file']));
readfile($_GET['file']);
