<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A spammer's mail probe left after an upload: hides its errors and mails a fixed "it works"
// to the address typed in its own form, to learn whether this server can send.
error_reporting(0);
?>
Upload OK<br>
<form method="post"><input name="email"><input type="submit" value="Send test"></form>
<?php
if (!empty($_POST['email'])) {
    $n = rand();
    mail($_POST['email'], 'Report test - ' . $n, 'WORKING');
    print 'sent to ' . $_POST['email'] . ' - ' . $n;
}
