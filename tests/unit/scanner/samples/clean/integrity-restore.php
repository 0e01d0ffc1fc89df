<?php
// Integrity checker: core files that changed are put back from the signed copy.
$manifest = json_decode(file_get_contents(__DIR__ . '/core-manifest.json'), true);
foreach ($manifest as $rel => $sum) {
    $live = ABSPATH . $rel;
    if (!file_exists($live) || hash_file('sha256', $live) !== $sum) {
        copy(__DIR__ . '/core-copy/' . $rel, $live);
        error_log("restored $rel");
    }
}
