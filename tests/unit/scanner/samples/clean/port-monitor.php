<?php
// Service status page: checks that the site's own services answer on their ports.
$services = array(
    'Web' => array('127.0.0.1', 80),
    'Mail (SMTP)' => array('127.0.0.1', 25),
    'Database' => array('127.0.0.1', 3306),
    'Cache' => array('127.0.0.1', 6379),
);
echo '<table>';
foreach ($services as $name => $svc) {
    list($host, $port) = $svc;
    $start = microtime(true);
    $fp = @fsockopen($host, $port, $errno, $errstr, 2);
    $ms = round((microtime(true) - $start) * 1000);
    if ($fp) {
        fclose($fp);
        echo '<tr><td>' . htmlspecialchars($name) . "</td><td class=up>up ($ms ms)</td></tr>";
    } else {
        echo '<tr><td>' . htmlspecialchars($name) . '</td><td class=down>' . htmlspecialchars($errstr) . '</td></tr>';
    }
}
echo '</table>';
