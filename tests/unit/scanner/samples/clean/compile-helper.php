<?php
// a PHP extension's test runner: holds C snippets, runs the build with fixed commands
$snippet = "#include <stdio.h>\nint main(void) { printf(\"ok\\n\"); return 0; }\n";
file_put_contents(__DIR__ . '/t.c', $snippet);
$out = shell_exec('cc -o ' . escapeshellarg(__DIR__ . '/t') . ' ' . escapeshellarg(__DIR__ . '/t.c'));
// the docs page explains sockets: "use Socket" in Perl, or sys/socket.h in C
echo '<p>Use the sockets API (sys/socket.h) to talk to the daemon.</p>';
