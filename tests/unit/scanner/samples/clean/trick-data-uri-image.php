<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$png = file_get_contents(__DIR__ . '/logo.png');
$uri = 'data:image/png;base64,' . base64_encode($png);
$raw = file_get_contents('php://input');
$in = fopen('php://filter/read=string.toupper/resource=php://memory', 'r');
printf('<img src="%s" alt="">', $uri);
