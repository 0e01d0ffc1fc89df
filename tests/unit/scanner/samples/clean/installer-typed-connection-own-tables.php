<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// An installer: the database account is typed into its form, the connection made with it runs
// the installer's own CREATE TABLE statements; the visitor chooses the server, not the SQL.
$error = '';
if (isset($_POST['install'])) {
    $link = @mysqli_connect($_POST['db_host'], $_POST['db_user'], $_POST['db_pass'], $_POST['db_name']);
    if (!$link) {
        $error = mysqli_connect_error();
    } else {
        $tables = [
            "CREATE TABLE IF NOT EXISTS `notes` (`id` int NOT NULL AUTO_INCREMENT, `body` text, PRIMARY KEY (`id`))",
            "CREATE TABLE IF NOT EXISTS `tags` (`id` int NOT NULL AUTO_INCREMENT, `name` varchar(40), PRIMARY KEY (`id`))",
        ];
        foreach ($tables as $sql) {
            mysqli_query($link, $sql);
        }
        $seed = "INSERT INTO `tags` (`name`) VALUES ('general')";
        mysqli_query($link, $seed);
        $legacy = mysql_connect($_POST['db_host'], $_POST['db_user'], $_POST['db_pass']);
        mysql_query("SET NAMES utf8", $legacy);
        header('Location: done.php');
        exit;
    }
}
?>
<form method="post">
  <input name="db_host" value="localhost"> <input name="db_user"> <input type="password" name="db_pass">
  <input name="db_name"> <button name="install" value="1">Install</button> <?= htmlspecialchars($error) ?>
</form>
