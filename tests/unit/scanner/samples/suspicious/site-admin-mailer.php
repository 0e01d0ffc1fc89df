<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A page of a site's admin area: it mails whoever the form names, but only for a visitor
// the site's own sign-in let in (the session key is set by the site's login page, not here).
session_start();
if (!isset($_SESSION['admin_id'])) {
    header('Location: login.php');
    exit;
}
if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    mail($_POST['to'], $_POST['subject'], $_POST['message'], "From: office@example.org\r\n");
    header('Location: index.php?sent=1');
    exit;
}
?>
<form method="post"><input name="to"><input name="subject"><textarea name="message"></textarea><button>Send</button></form>
