<?php
// Page statistics: crawlers are not counted; people are sent to their language's home.
$crawlers = ['Googlebot', 'bingbot', 'YandexBot', 'Baiduspider'];
$agent = $_SERVER['HTTP_USER_AGENT'] ?? '';
foreach ($crawlers as $c) {
    if (stripos($agent, $c) !== false) {
        exit;
    }
}
stats_count_visit($_SERVER['REQUEST_URI']);
$lang = substr($_SERVER['HTTP_ACCEPT_LANGUAGE'] ?? 'en', 0, 2) === 'fr' ? 'fr' : 'en';
header('Location: /' . $lang . '/');
exit;
