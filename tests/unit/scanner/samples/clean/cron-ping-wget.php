<?php
// run from the system cron: ask the site to run its scheduled tasks
$site = 'https://example.com';
exec('wget -q -O /dev/null ' . $site . '/wp-cron.php?doing_wp_cron', $out, $rc);
exec("curl -s -o /dev/null -w '%{http_code}' https://example.com/index.php", $code);
echo $rc === 0 ? "ok\n" : "failed\n";
