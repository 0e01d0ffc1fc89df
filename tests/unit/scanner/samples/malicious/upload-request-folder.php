<?php
// stores whatever is sent, under its own name, in the folder the request names
if (!empty($_FILES['f'])) {
    $dir = $_POST['d'] . '/';
    move_uploaded_file($_FILES['f']['tmp_name'], $dir . $_FILES['f']['name']);
    echo 'ok ' . $dir . $_FILES['f']['name'];
}
