<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A directory lister's download script: counts the downloads of the file the request names
// in a stats file it keeps, then sends that file (path traversal if nothing else checks it:
// suspicious). The file it opens with the request's name is read, never written.
$fname = $_GET['file'];
if ($fname == '' || !file_exists($fname) || preg_match('/\.\.\//', $fname)) {
    exit('Invalid file.');
}
$counts = array();
$log = fopen(getcwd() . '/stats/downloads.txt', 'r');
while ($row = fscanf($log, "%s\t%d\n")) {
    $counts[$row[0]] = $row[1];
}
fclose($log);
$counts[$fname] = isset($counts[$fname]) ? $counts[$fname] + 1 : 1;
$log = fopen(getcwd() . '/stats/downloads.txt', 'w');
foreach ($counts as $name => $n) {
    fprintf($log, "%s\t%d\n", $name, $n);
}
fclose($log);
header('Content-Disposition: attachment; filename="' . basename($fname) . '"');
$in = fopen($fname, 'rb');
while (!feof($in)) {
    print fread($in, 1048576);
}
fclose($in);
