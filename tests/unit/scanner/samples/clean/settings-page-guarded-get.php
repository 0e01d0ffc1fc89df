<?php
// settings page: the tab comes from the query string, guarded, and is only compared
$page = isset($_GET['page']) ? $_GET['page'] : 'home';
$tab = $_GET['tab'] ?? 'general';
$allowed = array('home', 'mail', 'users');
if (!in_array($page, $allowed, true)) {
    $page = 'home';
}
echo '<h1>Settings: ' . htmlspecialchars($page, ENT_QUOTES, 'UTF-8') . '</h1>';
switch ($tab) {
    case 'general':
        echo '<p>General options</p>';
        break;
    case 'mail':
        echo '<p>Mail options</p>';
        break;
    default:
        echo '<p>Unknown tab</p>';
}
include __DIR__ . '/tabs/' . $page . '.php';
