<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
final readonly class Money
{
    public function __construct(public int $cents, public string $cur) {}
    public function __toString(): string { return sprintf('%d.%02d %s', intdiv($this->cents, 100), $this->cents % 100, $this->cur); }
}
final class Slugger { public function __invoke(string $s): string { return strtolower(trim(preg_replace('/\W+/', '-', $s), '-')); } }
$slug = new Slugger();
echo $slug($_GET['title'] ?? ''), ' ', new Money((int) ($_GET['c'] ?? 0), 'EUR');
