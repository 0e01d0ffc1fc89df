<?php
// "you may also like": five random links from the site's own list, for every visitor
$links = file(__DIR__ . '/related.txt', FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES);
shuffle($links);
foreach (array_slice($links, 0, 5) as $line) {
    list($url, $title) = explode('|', $line, 2);
    echo '<a href="' . htmlspecialchars($url) . '">' . htmlspecialchars($title) . '</a><br>';
}
if (empty($links)) {
    exit;
}
