<?php
// diagnostics page: the server values counted, the first one sent to syslog quoted
$vals = array_values($_SERVER);
echo count($vals) . " server values\n";
exec('logger -t diag ' . escapeshellarg((string) $vals[0]), $out, $rc);
echo $rc === 0 ? 'logged' : 'not logged';
