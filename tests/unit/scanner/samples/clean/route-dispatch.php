<?php
// a tiny router: the handler comes from a fixed table, only its argument from the request
function dispatch($handler, $input)
{
    return $handler($input);
}
function page_home($q) { return 'Home'; }
function page_search($q) { return 'Results for ' . htmlspecialchars((string) ($q['s'] ?? '')); }
$routes = ['home' => 'page_home', 'search' => 'page_search'];
$handler = $routes[$_GET['r'] ?? 'home'] ?? 'page_home';
echo dispatch($handler, $_GET);
