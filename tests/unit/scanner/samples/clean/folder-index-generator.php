<?php
// a download area's listing pages: each folder's index.html lists that folder's files
function list_folder($dir, $title)
{
    $html = '<h1>' . htmlspecialchars($title) . '</h1><ul>';
    foreach (scandir($dir) as $e) {
        if ($e[0] === '.') {
            continue;
        }
        if (is_dir($dir . '/' . $e)) {
            list_folder($dir . '/' . $e, $title . ' / ' . $e);
        }
        $html .= '<li><a href="' . rawurlencode($e) . '">' . htmlspecialchars($e) . '</a></li>';
    }
    file_put_contents($dir . '/index.html', $html . '</ul>');
}
if (($_GET['rebuild'] ?? '') === '1') {
    list_folder(__DIR__ . '/files', 'Downloads');
}
