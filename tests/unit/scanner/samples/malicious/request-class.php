<?php
// a class named by the request, with the request's arguments (written for the tests, never run)
$c = $_GET['c'];
$o = new $c($_GET['a'], $_GET['b']);
echo $o;
