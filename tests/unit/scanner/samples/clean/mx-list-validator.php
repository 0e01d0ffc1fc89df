<?php
// list hygiene: keep the addresses whose domain has a mail server answering on port 25
$good = fopen('valid.txt', 'w');
foreach (file('subscribers.txt', FILE_IGNORE_NEW_LINES) as $email) {
    $domain = substr(strrchr($email, '@'), 1);
    if (getmxrr($domain, $mx) && ($s = @fsockopen($mx[0], 25, $e, $es, 5))) {
        fclose($s);
        fwrite($good, $email . "\n");
    }
}
fclose($good);
echo "done\n";
