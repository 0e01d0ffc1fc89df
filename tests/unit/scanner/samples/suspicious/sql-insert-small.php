<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A small form handler that glues a posted value into its INSERT: open to SQL injection
// (suspicious), but it runs its own statement, not SQL the visitor sends.
$conn = mysqli_connect('localhost', 'app', 'secret', 'app');
$title = $_POST['title'];
mysqli_query($conn, "INSERT INTO notes(title) VALUES('$title')");
header('Location: index.php');
