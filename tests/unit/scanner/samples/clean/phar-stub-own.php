<?php
// stub of a tool shipped as a phar: runs the code packed in this very file
Phar::mapPhar('sitetool.phar');
require 'phar://' . __FILE__ . '/bin/run.php';
__HALT_COMPILER();
