<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
final class Events
{
    private array $listeners = [];
    public function on(string $name, callable $cb): void { $this->listeners[$name][] = $cb; }
    public function fire(string $name, mixed ...$args): void
    {
        foreach ($this->listeners[$name] ?? [] as $cb) { $cb(...$args); }
    }
}
$e = new Events();
$e->on('saved', strtoupper(...));
$e->on('saved', static fn(string $s) => error_log('saved ' . $s));
$e->fire('saved', $_POST['title'] ?? '');
