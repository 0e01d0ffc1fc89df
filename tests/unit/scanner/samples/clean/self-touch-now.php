<?php
// the front controller touches itself so that the opcode cache reloads it after a deploy
if (getenv('APP_RELOAD') === '1') {
    touch(__FILE__, time());
    clearstatcache(true, __FILE__);
}
$old = filemtime(__DIR__ . '/config.php');
touch(__DIR__ . '/config.cache', $old);
require __DIR__ . '/app.php';
