<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
final class Bag implements ArrayAccess, IteratorAggregate
{
    private array $items = [];
    public function offsetExists(mixed $k): bool { return isset($this->items[$k]); }
    public function offsetGet(mixed $k): mixed { return $this->items[$k] ?? null; }
    public function offsetSet(mixed $k, mixed $v): void { $this->items[$k] = $v; }
    public function offsetUnset(mixed $k): void { unset($this->items[$k]); }
    public function getIterator(): Iterator { return new ArrayIterator($this->items); }
}
$b = new Bag();
$b['q'] = $_GET['q'] ?? '';
foreach (new CallbackFilterIterator($b->getIterator(), 'strlen') as $k => $v) { echo htmlspecialchars($v); }
