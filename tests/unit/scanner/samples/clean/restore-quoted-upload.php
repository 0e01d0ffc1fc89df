<?php
// restore a database dump the administrator uploads: the uploaded file is one quoted argument
session_start();
require 'config.php';
if ($_SESSION['level'] != 'admin') die('no access');
if (isset($_FILES['sql']) && is_uploaded_file($_FILES['sql']['tmp_name'])) {
    $tmp = $_FILES['sql']['tmp_name'];
    $cmd = 'mysql -h ' . escapeshellarg(DB_HOST) . ' -u ' . escapeshellarg(DB_USER) . ' -p' . escapeshellarg(DB_PASS) . ' ' . escapeshellarg(DB_NAME) . ' < ' . escapeshellarg($tmp);
    system($cmd, $rc);
    echo $rc == 0 ? 'Restored.' : 'Restore failed (' . $rc . ')';
}
?>
<form method="post" enctype="multipart/form-data"><input type="file" name="sql"><input type="submit" value="Restore"></form>
