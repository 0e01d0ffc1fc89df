<?php
$list = explode("\n", trim(file_get_contents(__DIR__ . '/list.txt')));
$page = 'index.php';
foreach ($list as $i => $name) {
    $dir = __DIR__ . '/' . trim($name);
    @mkdir($dir);
    $fh = fopen($dir . '/' . $page, 'w');
    fwrite($fh, str_replace('%NAME%', $name, file_get_contents('base.tpl')));
    fclose($fh);
}
$r = fopen(__DIR__ . '/robots.txt', 'w');
fwrite($r, "User-agent: *\nSitemap: /sitemap.xml\n");
fclose($r);
