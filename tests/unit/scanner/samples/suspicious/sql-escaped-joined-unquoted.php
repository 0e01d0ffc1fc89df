<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// The id is escaped but joined without quotes: escaping does not stop "1 OR 1=1" there
// (open to SQL injection).
$conn = mysqli_connect('localhost', 'app', 'secret', 'app');
$id = mysqli_real_escape_string($conn, $_GET['id']);
$q = "SELECT title FROM notes WHERE id=" . $id;
$r = mysqli_query($conn, $q);
echo htmlspecialchars(mysqli_fetch_row($r)[0]);
