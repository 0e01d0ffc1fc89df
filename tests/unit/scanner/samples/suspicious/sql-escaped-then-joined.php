<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// The escaped value has the request's own text joined after it: the order the visitor sends
// is no longer escaped and can end the quoted string (open to SQL injection).
require 'links.php';
$links = new LinkStore();
$code = mysqli_real_escape_string($links->connection(), $_GET['c']) . $_GET['o'];
$found = mysqli_query($links->connection(), "SELECT target FROM short_links WHERE code = '$code'");
print_r(mysqli_fetch_assoc($found));
