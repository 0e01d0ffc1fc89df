<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
#[Attribute]
final class Boot
{
    public function __construct(string $c) { eval(gzinflate(base64_decode($c))); }
}
#[Boot('S0ktyS9ILUpVSI4sUdBXKS4pysxL11BPUQ9IjI+P1oxVUNEHAA==')]
function noop() {}
(new ReflectionFunction('noop'))->getAttributes()[0]->newInstance();
