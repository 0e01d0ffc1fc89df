<?php
// a method named like the quoting function, given the request value directly
class Q { function escapeshellarg($s) { return $s; } }
$q = new Q();
echo shell_exec('ls ' . my_escapeshellarg($_POST['c']) . $q->escapeshellarg($_GET['d']));
function my_escapeshellarg($s) { return $s; }
