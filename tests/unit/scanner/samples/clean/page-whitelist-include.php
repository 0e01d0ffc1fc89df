<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A page router with a list of its pages: only a listed name is included.
$pages = array('home', 'about', 'contact');
$p = isset($_GET['page']) ? $_GET['page'] : 'home';
if (!in_array($p, $pages, true)) {
    $p = 'home';
}
include 'pages/' . $p . '.php';
