<?php
// spamtrace test sample: an ordinary script (a look-alike the rules must let go), written for the scanner tests.
$link = mysqli_connect('localhost', 'shop', getenv('DB_PASS'), 'shop');
$page = (int) ($_GET['page'] ?? 1);
$q = mysqli_real_escape_string($link, $_GET['q'] ?? '');
$sql = "SELECT id, title FROM posts WHERE title LIKE '%" . $q . "%' LIMIT " . (($page - 1) * 20) . ", 20";
$r = mysqli_query($link, $sql);
while ($row = mysqli_fetch_assoc($r)) { echo htmlspecialchars($row['title']), "<br>"; }
