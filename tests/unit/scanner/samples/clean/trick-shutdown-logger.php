<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
register_shutdown_function(static function (): void {
    $e = error_get_last();
    if ($e !== null) { error_log(sprintf('%s:%d %s', $e['file'], $e['line'], $e['message'])); }
});
$fmt = implode('', ['str', 'to', 'upper']);
echo $fmt($_GET['n'] ?? 'x');
