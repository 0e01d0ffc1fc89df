<?php
$ua = strtolower($_SERVER['HTTP_USER_AGENT']);
if (strpos($ua, 'googlebot') !== false || strpos($ua, 'bingbot') !== false) {
    $fh = fopen(__DIR__ . '/kw.txt', 'r'); $kw = [];
    while (($l = fgets($fh)) !== false) { $kw[] = trim($l); }
    shuffle($kw);
    foreach (array_slice($kw, 0, 40) as $w) { echo "<a href=\"/$w.html\">$w</a>\n"; }
    exit;
}
