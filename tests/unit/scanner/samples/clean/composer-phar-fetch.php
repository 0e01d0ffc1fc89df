<?php
// tools/bootstrap.php: fetch Composer for the build if it is missing
$bin = __DIR__ . '/composer.phar';
if (!is_file($bin)) {
    exec('curl -sS https://getcomposer.org/download/latest-stable/composer.phar -o ' . escapeshellarg($bin), $out, $rc);
    if ($rc !== 0) {
        fwrite(STDERR, "could not download composer\n");
        exit(1);
    }
}
passthru('php ' . escapeshellarg($bin) . ' install --no-dev');
