<?php
// deploy hook: install Composer next to the project, then the dependencies
chdir(__DIR__);
passthru('curl -sS https://getcomposer.org/installer | php', $rc);
if ($rc === 0) {
    passthru('php composer.phar install --no-dev --optimize-autoloader', $rc);
}
exit($rc);
