<?php
// Benchmark helper: the process id and clock from libc through FFI (preloaded, CLI only).
$libc = FFI::cdef('int getpid(void); long time(long *t);', 'libc.so.6');
printf("pid %d at %d\n", $libc->getpid(), $libc->time(null));
