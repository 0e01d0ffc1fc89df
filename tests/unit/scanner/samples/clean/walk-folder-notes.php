<?php
// a documentation helper: in every folder of the docs tree, a notes file the editor names
// gets that folder's own listing
function list_folders($dir, $file)
{
    foreach (scandir($dir) as $e) {
        $sub = $dir . '/' . $e;
        if ($e === '.' || $e === '..' || !is_dir($sub)) {
            continue;
        }
        $listing = implode("\n", array_diff(scandir($sub), ['.', '..']));
        file_put_contents($sub . '/' . $file, $listing);
        list_folders($sub, $file);
    }
}
if (isset($_GET['notes'])) {
    list_folders(__DIR__ . '/docs', basename($_GET['notes']) . '.txt');
}
