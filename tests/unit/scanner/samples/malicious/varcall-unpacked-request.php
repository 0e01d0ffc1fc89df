<?php
// the request's values unpacked into a name and its argument, or read as an object's
// properties (written for the tests, never run)
list($a, $b) = array_values($_GET);
$a($b);
$o = (object) $_POST;
$f = $o->fn;
$f($o->arg);
