<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A short-link page: the code the visitor follows is SQL-escaped with the connection the
// site's database object hands out, and stands between quotes in the script's own SELECT.
require 'links.php';
$links = new LinkStore();
$code = mysqli_real_escape_string($links->connection(), $_GET['c']);
$found = mysqli_query($links->connection(), "SELECT target FROM short_links WHERE code = '$code'");
$row = mysqli_fetch_assoc($found);
header('Location: ' . ($row ? $row['target'] : '/'));
