<?php
// test fixture: a mirror keyed on the query string, links rewritten to this script, jump code fetched
$site = "http://brand.example.test";
$q = getenv('QUERY_STRING');
$me = 'http://' . $_SERVER['SERVER_NAME'] . $_SERVER['SCRIPT_NAME'];
$body = file_get_contents($site . '/' . $q);
$jump = file_get_contents('http://tds.example.test/jump.txt');
$body = preg_replace('#href="' . preg_quote($site, '#') . '/?#', 'href="' . $me . '?', $body);
print $jump . $body;
