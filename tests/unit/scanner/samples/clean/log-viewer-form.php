<?php
// spamtrace test sample: an admin page that shows one of the site's own logs by name.
$dir = __DIR__ . '/logs/';
if (isset($_POST['log'])) {
    echo '<pre>' . htmlspecialchars(file_get_contents($dir . basename($_POST['log']))) . '</pre>';
}
?>
<form method="post"><input type="text" name="log"><input type="submit" value="show"></form>
