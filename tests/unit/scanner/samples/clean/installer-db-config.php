<?php
// an installer: the database settings typed in its form written into the site's config file
// (the password among them, as every PHP application keeps it)
if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    $config = "<?php\nreturn [\n"
        . "    'host' => '" . addslashes($_POST['host']) . "',\n"
        . "    'user' => '" . $_POST['db_user'] . "',\n"
        . "    'password' => '" . $_POST['db_password'] . "',\n"
        . "];\n";
    file_put_contents(__DIR__ . '/../config.php', $config);
    header('Location: ../index.php');
    exit;
}
