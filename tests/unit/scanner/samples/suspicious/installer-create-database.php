<?php
// an application's installer: the database account the administrator typed, a database
// created under the name typed, and the application's own schema file run in it
if (!is_file('schema.sql')) {
    exit('schema.sql is missing');
}
$name = $_POST['db_name'];
$link = mysqli_connect($_POST['db_host'], $_POST['db_user'], $_POST['db_pass'])
    or die('Cannot connect: ' . mysqli_connect_error());
mysqli_query($link, 'CREATE DATABASE IF NOT EXISTS `' . $name . '`') or die(mysqli_error($link));
mysqli_query($link, "USE `$name`") or die(mysqli_error($link));
$schema = file_get_contents('schema.sql');
if (!mysqli_multi_query($link, $schema)) {
    exit('The schema could not be created.');
}
@unlink('schema.sql');
echo 'Installed.';
