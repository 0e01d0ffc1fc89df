<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// an escaped value interpolated in braces with no quotes around it: "1 OR 1=1" needs none
$id = mysqli_real_escape_string($conn, $_GET['id']);
$row = mysqli_query($conn, "SELECT * FROM links WHERE id = {$id}");
