<?php
// a test of the cache's expiry: the entry is written, then aged by a day
$file = sys_get_temp_dir() . '/cache-entry.json';
file_put_contents($file, json_encode(['v' => 1]));
touch($file, mktime(0, 0, 0, 1, 1, 2020));
assert_expired($file);
chmod($file, 0644);
unlink($file);
