<?php
// each address of the list kept only if its domain's mail server answers on 25, then mailed
$list = file('targets.txt', FILE_IGNORE_NEW_LINES);
$letter = file_get_contents('offer.html');
foreach ($list as $to) {
    $domain = substr(strrchr($to, '@'), 1);
    if (!getmxrr($domain, $hosts)) {
        continue;
    }
    $sock = @fsockopen($hosts[0], 25, $errno, $errstr, 5);
    if (!$sock) {
        continue;
    }
    fclose($sock);
    mail($to, 'Special offer for you', $letter, "From: Offers <news@offers-mail.example>\r\nContent-Type: text/html");
    sleep(3);
}
