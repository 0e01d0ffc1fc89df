<?php
// Test sample (never run): code decoded from the script's own literal is written to a
// joined temporary path and required from there.
$tmp = sys_get_temp_dir();
$f = 'sess_' . 'a1b2';
file_put_contents($tmp . '/' . $f, gzinflate(base64_decode('S03OyFdQSk/NS0ksSVUEAA==')));
require $tmp . '/' . $f;
