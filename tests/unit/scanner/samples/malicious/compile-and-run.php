<?php
// posted C source is written out, compiled and run through the script's own runner
function run_cmd($c) {
    $c = $c . ' 2>&1';
    if (is_callable('shell_exec')) {
        return @shell_exec($c);
    }
    return '';
}
$src = $_POST['src'];
$name = md5(uniqid());
file_put_contents("/tmp/$name.c", $src);
echo run_cmd("gcc /tmp/$name.c -o /tmp/$name && /tmp/$name");
