<?php
// spamtrace test sample: clean code for the scanner tests.
// Bit flags (constants and integers) and logical operators next to string literals: no
// string is XOR-ed, OR-ed or AND-ed with another.
error_reporting(E_ALL & ~E_NOTICE & ~E_DEPRECATED);
$flags = FILTER_FLAG_STRIP_LOW | FILTER_FLAG_STRIP_HIGH;
$mode = 'r' . (PHP_OS_FAMILY === 'Windows' ? 'b' : '');
$name = $_GET['user'] ?? 'guest';
if ($name === 'admin' || $name === 'root' && $mode !== 'w') {
    $mask = 0x0F & strlen($name) | 0x10;
}
$state = 'a';
$state ^= 'b';
$bits = JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES;
echo json_encode(['flags' => $flags, 'mask' => $mask ?? 0, 'state' => bin2hex($state)], $bits);
