<?php
// an installer saves the database settings its form was given, then imports the tables
if (isset($_POST['host'])) {
    $file = fopen("includes/config.php", "w");
    fwrite($file, "<?php" . PHP_EOL);
    fwrite($file, "define('HOST', '" . $_POST['host'] . "');" . PHP_EOL);
    fwrite($file, "define('USER', '" . $_POST['user'] . "');" . PHP_EOL);
    fwrite($file, '$db_name = "' . $_POST['db'] . '";' . PHP_EOL);
    fclose($file);
    file_put_contents('includes/settings.php', "<?php return array('lang' => '" . $_POST['lang'] . "');");
    echo "Connection file written";
}
