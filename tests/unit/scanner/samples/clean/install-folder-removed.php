<?php
// admin dashboard: "remove the install folder" button after setup
session_start();
if (empty($_SESSION['admin'])) { exit; }
function delete_dir($dir) {
    foreach (scandir($dir) as $e) {
        if ($e == '.' || $e == '..') continue;
        $p = "$dir/$e";
        is_dir($p) ? delete_dir($p) : unlink($p);
    }
    rmdir($dir);
}
if (isset($_POST['remove_install'])) {
    delete_dir('../install');
    echo 'The install folder was removed.';
}
