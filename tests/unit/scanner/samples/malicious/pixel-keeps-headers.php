<?php
$fp = fopen(__DIR__ . '/stats/' . date('Ymd') . '.log', 'ab');
foreach (getallheaders() as $k => $v) {
    fputs($fp, "$k: $v\n");
}
fclose($fp);
header('Content-Type: image/png');
readfile(__DIR__ . '/blank.png');
