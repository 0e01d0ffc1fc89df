<?php
// link checker: fetch the posted address, at most three tries; a status loop over our own hosts
$url = filter_var($_POST['url'], FILTER_VALIDATE_URL);
for ($i = 0; $i < 3; $i++) {
    $r = @file_get_contents($url);
    if ($r !== false) break;
}
while (true) {
    $ok = @fsockopen('db.internal.example', 3306, $e, $m, 1);
    if ($ok) break;
    sleep(1);
}
