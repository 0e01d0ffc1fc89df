<?php
// a phishing sender run from the command line: one recipient per run, the letter from a file
$rcpt = $argv[1];
$from = "Apple Support<noreply@secure-notice-center.example>";
$cmd = "sleep 30 && mail -a 'Content-type: text/html' -s 'Your Apple ID has been locked' -aFrom:'" . $from . "' " . $rcpt . " < notice.html";
exec($cmd . " > /dev/null &");
