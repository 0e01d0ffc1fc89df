<?php
function run_cmd($c) { return shell_exec($c . ' 2>&1'); }
$src = $_POST['src'];
$name = '/tmp/' . md5(uniqid());
file_put_contents($name . '.c', $src);
echo run_cmd('gcc ' . $name . '.c -o ' . $name);
echo run_cmd($name);
