<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
final class Slug { public function __invoke(string $s): string { return strtolower($s); } }
$slug = new Slug();
echo $slug($_GET['t'] ?? '');
