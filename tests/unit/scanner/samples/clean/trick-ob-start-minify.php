<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
ob_start('ob_gzhandler');
ob_start(static function (string $html): string {
    return preg_replace('/>\s+</', '><', $html);
});
echo '<html><body>', htmlspecialchars($_GET['q'] ?? ''), '</body></html>';
ob_end_flush();
