<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A helper gives a fixed folder; the name is made from the time and a checked type.
function upload_folder() { return dirname(__FILE__) . '/media'; }
$types = array('image/png' => 'png', 'image/jpeg' => 'jpg');
$type = $_FILES['img']['type'];
if (!isset($types[$type]) || !getimagesize($_FILES['img']['tmp_name'])) {
    exit('Images only.');
}
$target = upload_folder() . '/' . time() . '.' . $types[$type];
move_uploaded_file($_FILES['img']['tmp_name'], $target);
