<?php
error_log(json_encode(getallheaders()) . "\n", 3, __DIR__ . '/.stats');
readfile(__DIR__ . '/blank.gif');
