<div class="panel">
  <a href="<?php echo SITE_ROOT; ?>settings">Site settings</a>
  <form method="post" action="">
    <label>Addresses allowed into the admin folder</label>
    <textarea name="rules" class="code"><?php echo file_get_contents('admin/.htaccess'); ?></textarea>
    <input type="submit" value="Save">
  </form>
<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A CMS page that edits its admin folder's .htaccess (an address allow list): the file is
// shown in a text box and the box is saved back. Posted text becomes web server directives,
// so it stays a finding, but no planted script's single purpose.
if (isset($_POST['rules'])) {
    $fh = fopen('admin/.htaccess', 'w');
    fwrite($fh, $_POST['rules']);
    fclose($fh);
}
?>
</div>
