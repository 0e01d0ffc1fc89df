<?php
session_start();
if (!isset($_SESSION['editor'])) { header('Location: login.php'); exit; }
if (isset($_POST['save'])) {
    $content = $_POST['content'];
    $fp = fopen($_POST['file'], 'w');
    fwrite($fp, $content);
    fclose($fp);
}
