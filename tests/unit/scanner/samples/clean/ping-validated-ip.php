<?php
// network tool: pings the address typed in, run only when it is a valid IP address
$host = isset($_GET['host']) ? $_GET['host'] : '';
if ($host !== '' && filter_var($host, FILTER_VALIDATE_IP)) {
    $out = shell_exec('ping -c 4 ' . $host);
    echo '<pre>' . htmlspecialchars($out) . '</pre>';
}
?>
<form><input name="host" placeholder="IP address"><button>Ping</button></form>
