<?php
// Server audit (root, command line): the table prefix and debug setting of every account's WordPress.
if (php_sapi_name() !== 'cli') { exit(1); }
foreach (glob('/home/*/public_html/wp-config.php') as $cfg) {
    $text = file_get_contents($cfg);
    preg_match("/table_prefix\s*=\s*'([^']*)'/", $text, $p);
    $debug = preg_match("/define\(\s*'WP_DEBUG'\s*,\s*true/", $text) ? 'DEBUG ON' : '';
    printf("%-50s %-10s %s\n", $cfg, isset($p[1]) ? $p[1] : '?', $debug);
}
