<?php
// ordinary uses of the same calls: environment, a sendmail sender, IMAP, links, FFI, SQLite
putenv('TZ=UTC');
putenv('LANG=C.UTF-8');
mail($to, $subject, $body, $headers, '-f bounce@example.org');
$box = imap_open('{imap.example.org:993/imap/ssl}INBOX', $user, $pass);
symlink($release_dir, $current_link);
$ffi = FFI::cdef('size_t strlen(const char *s);', 'libc.so.6');
$db = new PDO('sqlite:' . $file);
$db->sqliteCreateFunction('regexp', 'preg_match', 2);
