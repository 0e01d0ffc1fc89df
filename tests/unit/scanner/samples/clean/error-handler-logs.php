<?php
// errors are logged and the page's output is cleaned before it is sent
set_error_handler(function ($no, $msg, $file, $line) {
    error_log("[$no] $msg at $file:$line");
    return true;
});
ob_start(function ($buffer) {
    return str_replace("\t", '', $buffer);
});
echo htmlspecialchars($_GET['q'] ?? '');
