<?php
$o = json_decode(file_get_contents('php://input'));
$api = "https://stress.example.net/v2/start?token=abc&host={$o->host}&port={$o->port}&time={$o->time}&method=HTTP-GET";
$h = $o->host; $p = $o->port; $t = $o->time;
$go = "https://stress.example.net/v2/start?token=abc&host=$h&port=$p&time=$t";
echo file_get_contents($go);
