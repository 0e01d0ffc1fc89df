<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A rich-text editor's image upload handler: it keeps the client's name (with a time stamp)
// and never checks the type: careless (suspicious), but it stores into a folder of its own
// and answers the editor, it is no uploader page.
if (!$_FILES['upload']['error']) {
    $info = pathinfo($_FILES['upload']['name']);
    $name = strtolower($info['filename']) . '-' . time() . '.' . $info['extension'];
    if (move_uploaded_file($_FILES['upload']['tmp_name'], 'uploads/' . $name)) {
        $url = '/editor/uploads/' . $name;
        echo '<script>window.parent.editorCallback(' . json_encode($url) . ');</script>';
    }
}
