<?php
// ajax uploader of an item's pictures: uploads/<item id>/<unique name>.<extension>
if (isset($_FILES['myfile'])) {
    $output_dir = '../uploads/' . $_GET['id'] . '/';
    if (!file_exists($output_dir)) {
        mkdir($output_dir, 0777, true);
    }
    $ext = end(explode('.', $_FILES['myfile']['name']));
    $fileName = uniqid() . '.' . $ext;
    move_uploaded_file($_FILES['myfile']['tmp_name'], $output_dir . $fileName);
    echo json_encode([$fileName]);
}
