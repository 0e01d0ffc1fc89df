<?php
/**
 * A small page router (clean look-alike for php.include-tainted): the page name comes from
 * the query string but only names on a list are included, from a fixed folder.
 */
$page = $_GET['page'] ?? 'home';
$pages = ['home', 'about', 'contact'];
if (!in_array($page, $pages, true)) {
    $page = 'home';
}
include __DIR__ . "/pages/$page.php";
