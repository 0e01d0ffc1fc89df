<?php
// test fixture: a mail form that keeps each upload as a temporary file (outside the site)
// with the client's extension, attaches it and sends it
if (isset($_FILES['attachment'])) {
    $ext = pathinfo($_FILES['attachment']['name'], PATHINFO_EXTENSION);
    $tmp = tempnam(sys_get_temp_dir(), hash('sha256', $_FILES['attachment']['name'])) . '.' . $ext;
    if (move_uploaded_file($_FILES['attachment']['tmp_name'], $tmp)) {
        echo 'Attached ' . htmlspecialchars(basename($tmp));
    }
}
