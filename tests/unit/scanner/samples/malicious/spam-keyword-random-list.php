<?php
$keys = array('buy-viagra-online', 'cialis-no-prescription', 'payday-loans-fast');
$k = isset($_GET['k']) ? $_GET['k'] : $keys[array_rand($keys)];
$html = file_get_contents(sprintf('http://spin.example.net/api/%s.html', urlencode($k)));
echo $html;
