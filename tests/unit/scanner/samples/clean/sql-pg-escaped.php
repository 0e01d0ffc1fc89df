<?php
// spamtrace test sample: an ordinary script (a look-alike the rules must let go), written for the scanner tests.
$conn = pg_connect('dbname=shop user=shop');
$sku = pg_escape_string($conn, $_GET['sku'] ?? '');
$res = pg_query($conn, "SELECT name, price FROM products WHERE sku = '" . $sku . "'");
while ($row = pg_fetch_assoc($res)) { echo htmlspecialchars($row['name']), ' ', $row['price'], "\n"; }
$id = pg_escape_literal($conn, $_GET['cat'] ?? '');
pg_query($conn, "SELECT * FROM categories WHERE slug = $id");
