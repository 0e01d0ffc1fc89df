<?php
// resize an upload in place with ImageMagick; the answer is JSON, the command's output dropped
if (!empty($_FILES)) {
    $path = 'uploads/' . $_FILES['file']['name'];
    move_uploaded_file($_FILES['file']['tmp_name'], $path);
    $out = shell_exec('convert uploads/' . $_FILES['file']['name'] . ' -resize 400 ' . $path);
    echo json_encode(array('answer' => 'File transfer completed'));
}
