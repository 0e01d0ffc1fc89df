<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A gallery page: its own upload form, the file kept under its name and recorded in the
// site's database (the SQL built from the request, as careless tutorials do).
$db = mysqli_connect('localhost', 'gallery', 'secret', 'gallery');
if (isset($_POST['send'])) {
    $title = $_POST['title'];
    $file = 'photos/' . basename($_FILES['photo']['name']);
    if (move_uploaded_file($_FILES['photo']['tmp_name'], $file)) {
        mysqli_query($db, "INSERT INTO photos (title, path) VALUES ('" . $title . "', '" . $file . "')");
        echo 'Thank you';
    }
}
?>
<form method="post" enctype="multipart/form-data">
<input type="text" name="title"><input type="file" name="photo"><input type="submit" name="send">
</form>
