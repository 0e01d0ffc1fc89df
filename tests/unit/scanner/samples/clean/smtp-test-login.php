<?php
// the settings page's "test login" button: the one account of the settings
$o = get_option('my_smtp');
$f = fsockopen($o['host'], (int)$o['port'], $en, $es, 10);
fgets($f, 512);
fputs($f, "EHLO " . gethostname() . "\r\n"); fgets($f, 512);
fputs($f, "AUTH LOGIN\r\n"); fgets($f, 512);
fputs($f, base64_encode($o['user']) . "\r\n"); fgets($f, 512);
fputs($f, base64_encode($o['pass']) . "\r\n");
$ok = substr(fgets($f, 512), 0, 3) == '235';
fclose($f);
wp_send_json(array('auth' => $ok));
