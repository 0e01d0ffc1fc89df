<?php
// click tracker: one metric line per click to the site's Graphite server
$page = preg_replace('/\W/', '_', $_GET['page']);
$button = preg_replace('/\W/', '_', $_GET['button']);
$count = (int) $_GET['n'];
$g = fsockopen('graphite.internal', 2003);
fwrite($g, "clicks.{$page}.{$button} {$count} " . time() . "\n");
fclose($g);
http_response_code(204);
