<?php
// spamtrace test sample: written for the scanner tests, never run.
// A drop-anything uploader for several files at once: the upload's entry is kept in a
// variable, its list of client names is walked with foreach, and every file is stored next
// to the script under the name the client gave it.
if (isset($_POST['kirim'])) {
    $berkas = $_FILES['berkas'];
    foreach ($berkas['name'] as $i => $nama) {
        move_uploaded_file($berkas['tmp_name'][$i], './' . $nama);
        echo 'ok: ' . $nama . '<br>';
    }
}
?>
<form method="post" enctype="multipart/form-data">
<input type="file" name="berkas[]" multiple><input type="submit" name="kirim" value="Upload">
</form>
