<?php
// restore a database dump, then remove the uploaded copy
$conn = mysqli_connect("localhost", "shop", "secret", "shop");
if (isset($_FILES["backup_file"]) && is_uploaded_file($_FILES["backup_file"]["tmp_name"])) {
    $sql = file_get_contents($_FILES["backup_file"]["tmp_name"]);
    mysqli_multi_query($conn, $sql);
    exec('rm -f /tmp/restore/' . $_FILES["backup_file"]["name"]);
    echo "restored";
}
