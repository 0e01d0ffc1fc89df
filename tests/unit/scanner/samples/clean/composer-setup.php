<?php
// deploy step: fetch the asset minifier into the project and run it on the build
$tool = __DIR__ . '/bin/minify';
file_put_contents($tool, file_get_contents('https://releases.example.com/minify/2.1/minify-linux-amd64'));
chmod($tool, 0755);
passthru(escapeshellarg($tool) . ' --out build/app.min.js build/app.js', $rc);
exit($rc);
