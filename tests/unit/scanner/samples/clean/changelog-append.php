<?php
// Release helper: adds the new version's entry at the top of each package's CHANGELOG.
$entry = "## " . date('Y-m-d') . "\n- maintenance release\n\n";
foreach (glob(__DIR__ . '/packages/*/CHANGELOG.md') as $f) {
    $old = file_get_contents($f);
    file_put_contents($f, $entry . $old);
}
