<?php
// A test runner: a helper copies the server's environment for a child process that runs
// a test file with a timeout.
function child_env($file)
{
    $env = $_ENV;
    $env['SCRIPT_FILENAME'] = $file;
    $env['QUERY_STRING'] = '';
    return $env;
}

function run_with_timeout($cmd, $env)
{
    $proc = proc_open($cmd, [1 => ['pipe', 'w']], $pipes, null, $env);
    $out = stream_get_contents($pipes[1]);
    proc_close($proc);
    return $out;
}

$file = __DIR__ . '/tests/basic.phpt';
$env = child_env($file);
echo run_with_timeout('php ' . escapeshellarg($file) . ' 2>&1', $env);
