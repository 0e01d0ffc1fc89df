<?php
// a site's own files, their paths built in the same ways: a log folder appended to, a
// cache file named by sprintf(), a passwd-like name that is not an account's store
$dir = __DIR__ . '/storage/';
$dir .= 'logs';
file_put_contents($dir . '/app.log', date('c') . " ok\n", FILE_APPEND);
$fh = fopen(sprintf('%s/cache/%s.json', __DIR__, md5('home')), 'w');
fwrite($fh, json_encode(['box-shadow' => 'none']));
fclose($fh);
$users = sprintf('%s/etc/%s/passwd.txt', __DIR__, 'demo');
file_put_contents($users, "demo\n");
file_put_contents(__DIR__ . '/etc/htpasswd', "admin:x\n");
