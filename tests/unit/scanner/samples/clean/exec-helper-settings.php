<?php
// runs the configured backup command; the visitor only picks which site, from a fixed list
function run_backup($cmd)
{
    if (function_exists('exec')) {
        exec($cmd, $out, $rc);
        return $rc;
    }
    return -1;
}
$settings = parse_ini_file(__DIR__ . '/backup.ini');
$sites = array('shop', 'blog');
if (in_array($_GET['site'], $sites, true)) {
    run_backup($settings['command']);
}
