<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
final class Container
{
    private array $made = [];
    public function get(string $id): object
    {
        if (isset($this->made[$id])) { return $this->made[$id]; }
        $ref = new ReflectionClass($id);
        $ctor = $ref->getConstructor();
        $args = [];
        foreach ($ctor?->getParameters() ?? [] as $p) {
            $args[] = $this->get((string) $p->getType());
        }
        return $this->made[$id] = $ref->newInstanceArgs($args);
    }
}
$fmt = new ReflectionFunction('number_format');
echo $fmt->invoke(1234.5, 2);
