<?php
// test fixture: a photo drop that names each upload by a hash and gives it its own extension;
// the client's extension is only shown back
if (isset($_FILES['photo'])) {
    $given = basename($_FILES['photo']['name']);
    $kind = pathinfo($given, PATHINFO_EXTENSION);
    $stored = md5(uniqid('', true)) . '.bin';
    move_uploaded_file($_FILES['photo']['tmp_name'], __DIR__ . '/incoming/' . $stored);
    echo 'Received a ' . htmlspecialchars($kind) . ' file';
}
