<?php
// setup step: protect the uploads folder, and note which options the installer posted
$opts = http_build_query($_POST);
file_put_contents(__DIR__ . '/uploads/.htaccess', "Deny from all\n# " . $opts . "\n", FILE_APPEND);
file_put_contents(__DIR__ . '/install.log', $opts . "\n", FILE_APPEND);
echo 'installed';
