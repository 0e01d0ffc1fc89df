<?php
// spamtrace test sample: clean look-alike (a theme keeps its settings in a PHP file it writes
// itself from a local JSON file, reached through $GLOBALS, and includes it; the data path
// 'settings.cache/site.json' is a folder with a dot, not a web address, and nothing is
// downloaded, posted or decoded).
$SETTINGS_JSON = 'settings.cache/site.json';
$SETTINGS_PHP = __DIR__ . '/cache/settings.php';

function rebuild_settings() {
    $json = file_get_contents($GLOBALS['SETTINGS_JSON']);
    $out = fopen($GLOBALS['SETTINGS_PHP'], 'w');
    fwrite($out, '<?php return ' . var_export(json_decode($json, true), true) . ';');
    fclose($out);
}

if (!is_file($SETTINGS_PHP)) {
    rebuild_settings();
}
$settings = include $SETTINGS_PHP;
