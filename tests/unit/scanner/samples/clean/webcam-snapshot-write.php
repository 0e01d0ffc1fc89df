<?php
// a webcam snapshot posted as a data URL, kept under images/
$raw = $_POST['imgBase64'];
$parts = explode(',', $raw);
$image = base64_decode($parts[1]);
$stamp = date('Y-m-d-H.i.s');
$user = $_POST['userid'];
$fp = fopen('images/' . $stamp . '-' . $user . '.jpg', 'w');
fwrite($fp, $image);
fclose($fp);
