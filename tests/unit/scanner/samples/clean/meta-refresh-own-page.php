<?php
// spamtrace test sample (written for the scanner tests): a form's "saved" page goes back to
// the site's own pages; a decoded literal that is a path, or an address shown as text
$next = isset($_GET['back']) ? '/account' : '/';
?>
<p>Saved. You will be taken back in 3 seconds.</p>
<meta http-equiv="refresh" content="3;url=<?php echo htmlspecialchars($next); ?>">
<script>setTimeout(function () { location.replace("<?php echo urldecode('%2Fthank-you%3Fsent%3D1'); ?>"); }, 5000);</script>
<p>Our partner: <?php echo base64_decode('aHR0cHM6Ly9leGFtcGxlLmNvbS8='); ?></p>
