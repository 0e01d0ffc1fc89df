<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A CMS settings page that edits the site's robots.txt: the page shows the file in a text
// box and saves what the box posts back over the same file.
$file = __DIR__ . '/../robots.txt';
if (isset($_POST['robots'])) {
    file_put_contents($file, $_POST['robots']);
    $saved = true;
}
?>
<h2>Search engines</h2>
<?php if (!empty($saved)) { echo '<p class="notice">robots.txt saved.</p>'; } ?>
<form method="post" action="">
  <label for="robots">robots.txt</label>
  <textarea id="robots" name="robots" rows="12" cols="80"><?php echo htmlspecialchars(file_get_contents($file)); ?></textarea>
  <input type="submit" value="Save">
</form>
