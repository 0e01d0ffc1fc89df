<?php
// the list checked against takes a request value too: any path passes
$page = $_GET['page'];
$files = glob("./include/*.inc.php");
$files[] = $_GET['extra'];
if (in_array($page, $files)) { include($page); }
