<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A document page of a site's admin area: only a visitor the site's login let in gets
// past the session test; the folder comes from the page's folder view, the type is checked.
session_start();
if (empty($_SESSION['admin_id'])) {
    header('Location: login.php');
    exit;
}
$base = __DIR__ . '/files/';
$dir = $_GET['dir'] ?? '';
$ext = strtolower(pathinfo($_FILES['doc']['name'], PATHINFO_EXTENSION));
if (!in_array($ext, ['pdf', 'jpg', 'png', 'docx'])) {
    exit('This type is not allowed.');
}
$target = $base . $dir . '/' . basename($_FILES['doc']['name']);
move_uploaded_file($_FILES['doc']['tmp_name'], $target);
echo 'Saved.';
