<!DOCTYPE html>
<html>
<head><title>Panel setup</title></head>
<body>
<?php
session_start();
// who ran the setup, for the audit page (kept in the session, not in the settings file)
$_SESSION['setup_by'] = $_SERVER['REMOTE_ADDR'];
// first run: keep the database connection the administrator typed in
if (isset($_POST['save'])) {
    $dbhost = htmlspecialchars($_POST['dbhost']);
    $dbuser = htmlspecialchars($_POST['dbuser']);
    $dbpass = htmlspecialchars($_POST['dbpass']);
    $dbname = htmlspecialchars($_POST['dbname']);

    $settings = array('dbhost' => $dbhost, 'dbuser' => $dbuser, 'dbpass' => $dbpass,
                      'dbname' => $dbname, 'installed' => true);
    $fp = fopen('config/database.json', 'w');
    fwrite($fp, json_encode($settings));
    fclose($fp);
    echo 'Saved.';
}
?>
<form method="POST">
<input type="text" name="dbhost" placeholder="Database host">
<input type="text" name="dbuser" placeholder="Database user">
<input type="password" name="dbpass" placeholder="Database password">
<input type="text" name="dbname" placeholder="Database name">
<button type="submit" name="save">Save</button>
</form>
</body>
</html>
