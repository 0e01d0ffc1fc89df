<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Names made by OR, AND and XOR of string literals with each other and with bare words
// (undefined constants, their own names in PHP 7); the result is only printed.
$a = 'Wq3'|~Xk;
$b = "k/]*"&Wut;
$c = 'pQ' ^ Zx;
$d = 'rS'&'yN';
echo bin2hex($a . $b . $c . $d);
