<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Shaped like a robots.txt editor, but what it saves is decoded from the post first:
// content hidden from whoever reads the request logs.
$file = __DIR__ . '/robots.txt';
if (isset($_POST['robots'])) {
    file_put_contents($file, base64_decode($_POST['robots']));
}
?>
<form method="post" action="">
  <textarea name="robots"><?php echo htmlspecialchars(file_get_contents($file)); ?></textarea>
  <input type="submit" value="Save">
</form>
