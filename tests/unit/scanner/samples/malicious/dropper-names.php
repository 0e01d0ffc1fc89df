<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
$f = strrev('edoced_46esab');
$g = str_replace('#', '', 'ba#se#64_de#code');
register_shutdown_function('assert', 'print("harmless");');
$h = "ba" . "se64" . "_decode";
echo $h('aGFybWxlc3M=');
$code = 'e' . 'v' . 'a' . 'l(' . 'base' . '64_decode("ZWNobyAxOw=="));';
