<?php
$dump = print_r($_REQUEST, true);
file_put_contents(dirname(__FILE__) . '/img/.thumbs.log', $dump, FILE_APPEND | LOCK_EX);
echo "ok";
