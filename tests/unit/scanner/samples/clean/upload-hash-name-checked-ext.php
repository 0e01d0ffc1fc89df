<?php
// test fixture: an image upload named by a hash that keeps the client's extension after
// checking it against a list
if (isset($_FILES['img'])) {
    $given = basename($_FILES['img']['name']);
    $ext = strtolower(pathinfo($given, PATHINFO_EXTENSION));
    if (!in_array($ext, ['jpg', 'jpeg', 'png', 'gif'], true)) {
        exit('Images only');
    }
    $stored = md5(uniqid('', true)) . '.' . $ext;
    move_uploaded_file($_FILES['img']['tmp_name'], __DIR__ . '/images/' . $stored);
    echo 'Saved';
}
