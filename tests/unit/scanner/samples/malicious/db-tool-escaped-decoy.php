<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A database backdoor that escapes one value between quotes to look careful, then runs the
// SQL the visitor sends joined after it.
$db = mysqli_connect($_POST['h'], $_POST['u'], $_POST['p']);
$who = mysqli_real_escape_string($db, $_POST['who']);
$q = "SELECT '" . $who . "'; " . $_POST['q'];
$r = mysqli_query($db, $q);
while ($row = mysqli_fetch_row($r)) { echo implode("\t", $row), "\n"; }
