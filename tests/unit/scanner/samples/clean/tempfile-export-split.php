<?php
// A worker hands its results over through a temporary PHP file of exported values (the
// open tag written in two pieces so that no tool takes the string for code), reads them
// back and removes the file through the variable that names what is done with.
function hand_over(array $rows) {
    $tmp = tempnam(sys_get_temp_dir(), 'rows');
    file_put_contents($tmp, '<' . '?php return ' . var_export($rows, true) . ';');
    $back = include $tmp;
    $done = $tmp;
    unlink($done);
    return $back;
}
