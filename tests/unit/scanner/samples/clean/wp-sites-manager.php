<?php
// Agency dashboard: signs in to each client site of its own list to fetch the update count.
require __DIR__ . '/db.php';
$sites = $pdo->query('SELECT url, login, password FROM managed_sites WHERE active = 1')->fetchAll();
foreach ($sites as $site) {
    $ch = curl_init(rtrim($site['url'], '/') . '/wp-login.php');
    curl_setopt_array($ch, array(CURLOPT_POST => true, CURLOPT_RETURNTRANSFER => true, CURLOPT_COOKIEJAR => '/tmp/jar-' . md5($site['url']),
        CURLOPT_POSTFIELDS => http_build_query(array('log' => $site['login'], 'pwd' => $site['password']))));
    $page = curl_exec($ch);
    echo htmlspecialchars($site['url']) . ': ' . (strpos($page, 'update-count') !== false ? 'updates pending' : 'ok') . "<br>";
}
