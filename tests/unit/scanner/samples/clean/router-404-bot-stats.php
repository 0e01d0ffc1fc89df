<?php
// a small front controller: crawlers are counted, unknown pages get a 404
$ua = $_SERVER['HTTP_USER_AGENT'] ?? '';
$is_bot = preg_match('/bot|crawl|spider|slurp/i', $ua) === 1;
count_visit($is_bot);
$routes = array('/' => 'home.php', '/about' => 'about.php');
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
render_header();
render_menu($routes);
render_sidebar();
if (!isset($routes[$path])) {
    header('HTTP/1.1 404 Not Found');
    include 'errors/404.php';
    exit;
}
include $routes[$path];
