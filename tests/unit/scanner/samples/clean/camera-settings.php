<?php
// The panel builds its helper's command line in a function of its own; the visitor's camera
// id reaches it only as one escapeshellarg()-quoted argument, then the line is run.
function helper_command(string $args): string
{
    return '/usr/lib/cctv/bin/camctl' . $args;
}

$command = helper_command(' --monitor ' . escapeshellarg($_REQUEST['mid']) . ' --brightness');
$value = exec($command);
echo htmlspecialchars((string) $value);
