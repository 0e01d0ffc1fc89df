<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A small site's upload page, as tutorials write it: prints its own form and keeps the
// files in its uploads/ folder under the visitor's name, unchecked (a hole: a .php goes in
// too, suspicious), but it has no key of its own and puts nothing in the site's root.
if (isset($_POST['submit'])) {
    $target = "uploads/" . basename($_FILES["file"]["name"]);
    if (move_uploaded_file($_FILES["file"]["tmp_name"], $target)) {
        echo "The file " . htmlspecialchars(basename($_FILES["file"]["name"])) . " has been uploaded.";
    } else {
        echo "Sorry, there was an error uploading your file.";
    }
}
?>
<form action="" method="post" enctype="multipart/form-data">
  Select a file: <input type="file" name="file">
  <input type="submit" value="Upload" name="submit">
</form>
