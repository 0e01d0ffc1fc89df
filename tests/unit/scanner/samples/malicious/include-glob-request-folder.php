<?php
// the folder listed is the visitor's: any file passes
$page = $_GET['page'];
$files = glob($_GET['d'] . "/*");
if (in_array($page, $files)) { include($page); }
