<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Shaped like a chat archive that splits its records on reading, but the archive's name
// ends in .php: what the visitor posts becomes a script the web server runs.
$rec = '##';
$archive = __DIR__ . '/log/visitor' . $_POST['visitor'] . '.php';
$records = explode($rec, file_get_contents($archive));
$fh = fopen($archive, 'a');
fwrite($fh, $rec . $_POST['text']);
fclose($fh);
echo count($records);
