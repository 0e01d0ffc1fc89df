<?php
// restores the site's own backup archive and gives each file its archived time
$zip = new ZipArchive();
if ($zip->open(__DIR__ . '/backups/latest.zip') !== true) {
    exit("no backup\n");
}
for ($i = 0; $i < $zip->numFiles; $i++) {
    $stat = $zip->statIndex($i);
    $f = __DIR__ . '/' . $stat['name'];
    file_put_contents($f, $zip->getFromIndex($i));
    touch($f, $stat['mtime']);
}
echo $zip->numFiles . " files restored\n";
