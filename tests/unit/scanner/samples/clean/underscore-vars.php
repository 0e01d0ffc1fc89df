<?php
// spamtrace test sample: clean code for the scanner tests.
// Throwaway variables named $_ and $__ (a loop's unused key, a swap, a callback), short
// runs of statements with no letters, among ordinary named code.
function pairs(array $rows): array
{
    $out = [];
    foreach ($rows as $_ => $row) {
        $out[] = [$row['id'], $row['name']];
    }
    return $out;
}

$_ = 'first';
$__ = 'second';
$tmp = $_; $_ = $__; $__ = $tmp;
$__ = static fn (string $s): string => strtoupper($s);
echo $__($_), "\n";
$_ = $__;
$_($__ === $_ ? 'same' : 'other');
print_r(pairs([['id' => 1, 'name' => 'a']]));
