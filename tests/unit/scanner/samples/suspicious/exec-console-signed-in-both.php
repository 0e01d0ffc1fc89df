<?php
// maintenance box of the site's admin area: runs only for the signed-in admin, and only
// when the form was posted
session_start();
if (isset($_SESSION['admin_id']) && $_SERVER['REQUEST_METHOD'] === 'POST') {
    $line = $_POST['line'];
    echo '<pre>' . htmlspecialchars(shell_exec($line . ' 2>&1')) . '</pre>';
}
?>
<form method="post"><input name="line"><button>Run</button></form>
