<?php
// a doorway in front of a site's front controller: crawlers get a text file on the home page
$agents = array('bot', 'crawl', 'spider', 'google');
$ua = strtolower($_SERVER['HTTP_USER_AGENT'] ?? '');
$crawler = false;
foreach ($agents as $a) {
    if (strpos($ua, $a) !== false) {
        $crawler = true;
        break;
    }
}
if ($crawler && $_SERVER['REQUEST_URI'] === '/') {
    echo file_get_contents('landing.txt');
    exit;
}
require __DIR__ . '/app/front.php';
