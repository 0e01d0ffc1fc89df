<?php
// A maintenance console: evaluates the lines its user types (command line only).
if (PHP_SAPI !== 'cli') {
    exit(1);
}
$history = getenv('HOME') . '/.site_console_history';
while (($line = readline('site> ')) !== false) {
    readline_add_history($line);
    try {
        $result = eval($line . ';');
        var_dump($result);
    } catch (Throwable $e) {
        fwrite(STDERR, $e->getMessage() . "\n");
    }
}
readline_write_history($history);
