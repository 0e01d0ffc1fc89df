<?php
// compiles the stylesheet when its source changed and dates the output like the source
$src = __DIR__ . '/assets/app.scss';
$out = __DIR__ . '/assets/app.css';
if (!is_file($out) || filemtime($src) > filemtime($out)) {
    exec('sassc ' . escapeshellarg($src) . ' ' . escapeshellarg($out));
    touch($out, filemtime($src));
}
$copy = __DIR__ . '/public/app.css';
copy($out, $copy);
touch($copy, filemtime($out));
echo '<link rel="stylesheet" href="/assets/app.css?v=' . filemtime($out) . '">';
