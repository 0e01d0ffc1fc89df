<?php
// a drop-anything uploader: the upload's entry is kept in a variable and copied under the
// client's own file name next to the script (written for the tests, never run)
if (!empty($_FILES['doc'])) {
    $up = $_FILES['doc'];
    $base = basename($up['name']);
    $dest = __DIR__ . '/' . $base;
    echo @copy($up['tmp_name'], $dest) ? 'ok ' . $base : 'failed';
}
?>
<form method="post" enctype="multipart/form-data"><input type="file" name="doc"><button>Send</button></form>
