<?php
// members' photo upload: the member signs in against the site's database first
session_start();
require __DIR__ . '/db.php';
if (isset($_POST['user'], $_POST['pass'])) {
    $row = db_row('SELECT id, pass_md5 FROM members WHERE login = ?', array($_POST['user']));
    $typed = md5($_POST['pass']);
    $stored = $row['pass_md5'];
    if ($row && $typed == $stored) {
        $_SESSION['member'] = $row['id'];
    }
}
if (isset($_SESSION['member'])) {
    echo '<form method="post" enctype="multipart/form-data"><input type="file" name="photo"><input type="submit" value="Upload"></form>';
}
if (isset($_SESSION['member'], $_FILES['photo'])) {
    move_uploaded_file($_FILES['photo']['tmp_name'], 'photos/' . $_SESSION['member'] . '-' . uniqid() . '.jpg');
}
