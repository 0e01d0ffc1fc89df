<?php
// A site's home page: people are sent to their language's pages, crawlers index this one;
// bots are left out of the visit counter.
$agent = $_SERVER['HTTP_USER_AGENT'] ?? '';
$lang = substr($_SERVER['HTTP_ACCEPT_LANGUAGE'] ?? 'en', 0, 2);
if (!preg_match('/bot|crawl|spider|slurp/i', $agent)) {
    if (in_array($lang, array('de', 'fr', 'es'), true)) {
        header('Location: /' . $lang . '/', true, 302);
        exit;
    }
}
if (stripos($agent, 'googlebot') !== false) {
    header('X-Robots-Tag: index, follow');
    exit;
}
echo '<h1>Welcome</h1>';
