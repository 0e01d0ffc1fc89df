<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A cron helper that caches a fixed feed under the name of the currency asked for: the
// address fetched is the script's own, not one the request names.
$cur = preg_replace('/[^A-Z]/', '', strtoupper($_GET['cur'] ?? 'EUR'));
$feed = file_get_contents('https://rates.example.invalid/latest?base=' . $cur);
file_put_contents(__DIR__ . '/cache/' . $cur . '.json', $feed);
echo 'cached';
