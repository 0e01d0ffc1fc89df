<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Shaped like a chat archive that splits its records on reading, but the visitor names the
// whole file (a folder, then the posted name): any script of the site, any content.
$rec = '##';
$archive = __DIR__ . '/log/' . $_POST['visitor'];
$records = explode($rec, file_get_contents($archive));
$fh = fopen($archive, 'a');
fwrite($fh, $rec . $_POST['text']);
fclose($fh);
echo count($records);
