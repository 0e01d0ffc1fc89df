<?php
// a security plugin's hardening step: the site root's one .htaccess gets the plugin's block
// and is then set read-only (the site owner unlocks it from the plugin's settings page)
function harden_root_htaccess($root, $block)
{
    $file = $root . '/.htaccess';
    $old = is_file($file) ? file_get_contents($file) : '';
    if (strpos($old, '# BEGIN Hardening') === false) {
        file_put_contents($file, $block . "\n" . $old);
    }
    chmod($file, 0444);
}
harden_root_htaccess(ABSPATH, "# BEGIN Hardening\nOptions -Indexes\n# END Hardening");
