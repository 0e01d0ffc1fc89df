<?php
// the site search keeps what was looked for, to improve the catalogue
$phrase = trim($_GET['phrase'] ?? '');
$page = (int) ($_GET['page'] ?? 1);
file_put_contents(__DIR__ . '/search-log.txt', date('c') . "\t$phrase\t$page\n", FILE_APPEND);
include __DIR__ . '/results.php';
