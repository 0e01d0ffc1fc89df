<?php
$kw = ["cheap flights to paris", "hotel deals last minute", "car rental no deposit", "cruise holidays all inclusive",
    "budget travel insurance", "airport parking discount", "city break packages", "ski holiday deals",
    "beach resorts family", "train tickets europe", "ferry crossings cheap", "weekend getaways spa"];
$graph = ["1,2,3", "2,3,4", "3,4,5", "4,5,6", "5,6,7", "6,7,8", "7,8,9", "8,9,10", "9,10,11", "10,11,0", "11,0,1", "0,1,2"];
$n = (int) preg_replace('/\D/', '', $_SERVER['QUERY_STRING']) % count($kw);
$desc = '';
foreach (explode(',', $graph[$n]) as $j) { $desc .= ucfirst($kw[$j]) . '. '; }
echo '<meta name="description" content="' . $desc . '">';
echo '<h1>' . $kw[$n] . '</h1>';
