<?php
// setup step 2: keep the database connection the administrator typed in
define('CONFIG_FILE', 'config-app.php');
$configFile = '../config/' . CONFIG_FILE;

$mysqlServer   = $_POST['MySQL_Server'];
$mysqlUser     = $_POST['MySQL_User'];
$mysqlPassword = $_POST['MySQL_Password'];

$str  = 'MySQL_Server: ' . $mysqlServer . PHP_EOL;
$str .= 'MySQL_User: ' . $mysqlUser . PHP_EOL;
$str .= 'MySQL_Password: ' . $mysqlPassword . PHP_EOL;

$fh = fopen($configFile, 'a+');
fputs($fh, $str);
fclose($fh);
echo 'Configuration saved to ' . $configFile;
