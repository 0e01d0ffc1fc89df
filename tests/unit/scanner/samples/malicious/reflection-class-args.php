<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Makes an object of the class the request names with the request's arguments: the
// constructor (SplFileObject's, a gadget's) runs before any check of what it made.
$c = $_POST['c'];
$reflection = new ReflectionClass($c);
$obj = $reflection->newInstanceArgs($_POST['a']);
if ($obj instanceof Countable) {
    echo count($obj);
}
