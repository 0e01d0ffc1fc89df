<?php
// a status page asks the monitoring service whether a server of the list answers
$servers = array('web' => 'www.example.org', 'mail' => 'mail.example.org');
$name = isset($_GET['s']) && isset($servers[$_GET['s']]) ? $_GET['s'] : 'web';
$host = $servers[$name];
$port = (int) $_GET['port'];
$timeout = (int) $_GET['timeout'];
$time = date('c');
$url = 'https://monitor.example.com/check?host=' . urlencode($host) . '&port=' . $port . '&timeout=' . $timeout . '&asked=' . urlencode($time);
echo htmlspecialchars(file_get_contents($url));
