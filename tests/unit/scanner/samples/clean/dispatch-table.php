<?php
// An admin status page: it lists which of PHP's process functions the host disabled, and
// its dispatch table calls the page's own handlers with a page number.
function show_list($page) { echo 'list page ', $page; }
function show_status($page) { echo 'status page ', $page; }
$checks['run'] = 'system';
$checks['open'] = 'proc_open';
foreach ($checks as $label => $fn) {
    echo $label, ': ', function_exists($fn) ? 'available' : 'disabled', "\n";
}
$routes = array('list' => 'show_list', 'status' => 'show_status');
$action = isset($_GET['a'], $routes[$_GET['a']]) ? $_GET['a'] : 'list';
$page = isset($_GET['page']) ? (int) $_GET['page'] : 1;
$routes[$action]($page);
