<?php
// spamtrace test sample: an ordinary script (a look-alike the rules must let go), written for the scanner tests.
// a traceroute page: the address is validated as it is read
$host = filter_var($_POST['host'] ?? '', FILTER_VALIDATE_IP);
if ($host) {
    echo '<pre>' . htmlspecialchars((string) shell_exec("traceroute -m 12 {$host} 2>&1")) . '</pre>';
}
