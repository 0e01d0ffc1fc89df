<?php
// request fields turned into variables by hand, one of them called with another
// (?fn=system&arg=id; written for the tests, never run)
foreach ($_REQUEST as $name => $value) { $$name = $value; }
$fn($arg);
