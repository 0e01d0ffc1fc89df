<?php
// an encoded payload decoded, written to a temporary file and included (written for the tests;
// the payload is harmless: "echo 'harmless test payload';")
$z = 'S03OyFdQz0gsys1JLS5WKEktLlEoSKzMyU9MUbcGAA==';
$o = gzinflate(base64_decode($z));
file_put_contents('/tmp/.cache-x.php', '<?php ' . $o);
include '/tmp/.cache-x.php';
