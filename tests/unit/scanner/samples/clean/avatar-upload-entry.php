<?php
// an avatar upload: the entry kept in a variable, the type checked against a list, and the
// file stored under a name the site makes
$up = $_FILES['avatar'];
$ext = strtolower(pathinfo($up['name'], PATHINFO_EXTENSION));
if (!in_array($ext, ['png', 'jpg', 'gif'], true) || getimagesize($up['tmp_name']) === false) {
    exit('Images only');
}
$dest = __DIR__ . '/avatars/' . bin2hex(random_bytes(8)) . '.' . $ext;
copy($up['tmp_name'], $dest);
echo 'Saved';
