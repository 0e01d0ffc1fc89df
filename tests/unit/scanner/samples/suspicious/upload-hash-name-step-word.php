<?php
// test fixture: a careless upload step of a site's form: the client's extension is kept
// unchecked (a vulnerability), and the step is named by a plain word held in a variable, not
// a key of the file's own
$step = 'upload';
if (isset($_POST['step']) && $_POST['step'] === $step && isset($_FILES['doc'])) {
    $ext = pathinfo($_FILES['doc']['name'], PATHINFO_EXTENSION);
    $stored = md5(uniqid('', true)) . '.' . $ext;
    move_uploaded_file($_FILES['doc']['tmp_name'], __DIR__ . '/' . $stored);
    echo 'Thank you';
}
?>
<form method="post" enctype="multipart/form-data"><input type="hidden" name="step" value="upload"><input type="file" name="doc"><input type="submit"></form>
