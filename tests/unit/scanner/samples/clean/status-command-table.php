<?php
// server status page: the visitor picks one of the page's own commands by its key
session_start();
if (empty($_SESSION['admin'])) { header('Location: login.php'); exit; }
$commands = array('uptime' => 'uptime', 'disk' => 'df -h', 'memory' => 'free -m');
$what = isset($_GET['what']) ? $_GET['what'] : 'uptime';
if (!isset($commands[$what])) {
    $what = 'uptime';
}
echo '<h1>Server status</h1><pre>' . htmlspecialchars(shell_exec($commands[$what])) . '</pre>';
$cmd = isset($commands[$_GET['also']]) ? $commands[$_GET['also']] : 'uptime';
echo '<pre>' . htmlspecialchars(shell_exec($cmd)) . '</pre>';
foreach ($commands as $key => $command) {
    echo '<a href="?what=' . $key . '">' . $key . '</a> ';
}
