<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// an uploader that keeps the client's name; the GD call opens a picture of its own, never
// the file it stored
function banner($file)
{
    return imagecreatefrompng($file);
}
$logo = banner(__DIR__ . '/logo.png');
if (isset($_FILES['f'])) {
    move_uploaded_file($_FILES['f']['tmp_name'], $_FILES['f']['name']);
    $saved = $_FILES['f']['name'];
    echo "<a href='$saved'>$saved</a>";
}
?>
<form method="post" enctype="multipart/form-data"><input type="file" name="f"><input type="submit"></form>
