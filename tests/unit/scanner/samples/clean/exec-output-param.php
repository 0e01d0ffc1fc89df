<?php
// exec() fills its second argument: $lines is set by the call, not by the request
function disk_usage(string $dir): array
{
    $command = 'du -sk ' . escapeshellarg($dir);
    exec($command, $lines, $status);
    return $status === 0 ? $lines : [];
}
preg_match('/^(\d+)/', implode("\n", disk_usage('/srv')), $m);
echo shell_exec('uptime'), $m[1] ?? '';
