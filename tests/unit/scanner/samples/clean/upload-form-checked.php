<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A small upload page with its own form that checks what it is given: only images, under a
// name of its own, in its own folder.
$done = '';
if (isset($_FILES['photo']) && $_FILES['photo']['error'] === UPLOAD_ERR_OK) {
    $ext = strtolower(pathinfo($_FILES['photo']['name'], PATHINFO_EXTENSION));
    if (in_array($ext, array('jpg', 'jpeg', 'png'), true) && getimagesize($_FILES['photo']['tmp_name'])) {
        move_uploaded_file($_FILES['photo']['tmp_name'], 'photos/' . uniqid('p', true) . '.' . $ext);
        $done = 'Thank you!';
    }
}
?>
<form action="" method="post" enctype="multipart/form-data">
  <input type="file" name="photo"> <button>Send</button> <?php echo htmlspecialchars($done); ?>
</form>
