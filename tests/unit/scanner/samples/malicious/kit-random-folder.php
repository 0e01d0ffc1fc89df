<?php
// test fixture: a kit launcher (copies a page folder to a random folder, sends the visitor there)
function copy_tree($from, $to) {
    @mkdir($to);
    foreach (scandir($from) as $f) {
        if ($f === '.' || $f === '..') { continue; }
        if (is_dir("$from/$f")) { copy_tree("$from/$f", "$to/$f"); }
        else { copy("$from/$f", "$to/$f"); }
    }
}
$seed = mt_rand(1000, 999999);
$folder = 'v' . substr(sha1($seed), 0, 10);
copy_tree('page', $folder);
$go = './' . $folder . '/';
echo "<meta http-equiv=\"refresh\" content=\"0; url=$go\">";
