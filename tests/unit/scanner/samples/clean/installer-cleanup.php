<?php
// a one-time installer: writes the configuration from the form, then removes itself
if (isset($_POST['db_name'])) {
    $config = "<?php\n";
    $config .= "define('DB_NAME', " . var_export($_POST['db_name'], true) . ");\n";
    $config .= "define('DB_USER', " . var_export($_POST['db_user'], true) . ");\n";
    file_put_contents(__DIR__ . '/config.php', $config);
    $fh = fopen(__DIR__ . '/install.log', 'a');
    fwrite($fh, date('c') . " installed\n");
    fclose($fh);
    @unlink(__FILE__);
    header('Location: index.php');
    exit;
}
