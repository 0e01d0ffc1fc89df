<?php
// Hosting panel: writes the account's php.ini from the plan's settings (signed-in admins only).
session_start();
if (empty($_SESSION['panel_admin'])) { header('Location: /login'); exit; }
$plan = require __DIR__ . '/plans/basic.php';
$ini = "memory_limit = {$plan['memory']}\nupload_max_filesize = 32M\n";
$ini .= "disable_functions = exec,passthru,shell_exec,system,proc_open,popen\n";
$ini .= "open_basedir = /home/" . basename($plan['user']) . ":/tmp\n";
file_put_contents('/home/' . basename($plan['user']) . '/public_html/php.ini', $ini);
file_put_contents('/home/' . basename($plan['user']) . '/public_html/.user.ini', "memory_limit = 256M\nmax_execution_time = 60\n");
