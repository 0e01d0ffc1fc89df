<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Open proxy: fetches whatever URL the caller names and prints it. Careless, not hostile on
// its own (no name built, nothing run, nothing sent away): suspicious, also in a small file.
$u = trim($_GET['u']);
$ch = curl_init();
curl_setopt($ch, CURLOPT_URL, $u);
curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
echo curl_exec($ch);
