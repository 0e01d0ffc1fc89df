<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
// a label formatter: the function comes from the script's own list, the text from the form
[$fmt, $label] = ['strtoupper', $_GET['label'] ?? 'new'];
list($width, $height) = [(int) ($_GET['w'] ?? 80), 24];
echo '<span style="width:', $width, 'ch">', htmlspecialchars($fmt($label)), '</span>', $height;
