<?php
$host = $_POST['host'];
foreach (explode(',', $_POST['ports']) as $port) {
    $fp = @fsockopen($host, (int) $port, $errno, $errstr, 1);
    if ($fp) { echo "$port open<br>"; fclose($fp); }
}
