<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
final class Formatter
{
    public function __construct(public readonly string $fn = 'strtoupper') {}
}
$f = new Formatter('ucfirst');
$double = (fn(int $x): int => $x * 2)(21);
echo htmlspecialchars(($f->fn)($_GET['name'] ?? 'guest')), ' ', $double;
