<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// a photo resizer: the upload is stored under the name it came with, then opened as a JPEG
// and written back smaller by GD
function shrink_photo($file, $max)
{
    $img = imagecreatefromjpeg($file);
    if (!$img) {
        return;
    }
    $w = imagesx($img);
    $h = imagesy($img);
    $ratio = $max / max($w, $h);
    $out = imagecreatetruecolor((int) ($w * $ratio), (int) ($h * $ratio));
    imagecopyresampled($out, $img, 0, 0, 0, 0, (int) ($w * $ratio), (int) ($h * $ratio), $w, $h);
    imagejpeg($out, $file, 85);
}

if ($_SERVER['REQUEST_METHOD'] == 'POST' && isset($_FILES['photo'])) {
    move_uploaded_file($_FILES['photo']['tmp_name'], $_FILES['photo']['name']);
    $file = $_FILES['photo']['name'];
    shrink_photo($file, 800);
    echo "<img src='$file'>";
}
?>
<form method="post" enctype="multipart/form-data">
    <input type="file" name="photo"> <input type="submit" value="Shrink">
</form>
