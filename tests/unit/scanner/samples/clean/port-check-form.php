<?php
// a hosting panel's port check (its admin only): is the host the admin typed reachable
if (!current_user_can('manage_options')) {
    wp_die('no');
}
$host = isset($_POST['host']) ? $_POST['host'] : 'localhost';
$port = isset($_POST['port']) ? (int) $_POST['port'] : 80;
$s = @fsockopen($host, $port, $errno, $errstr, 3);
if ($s) {
    fwrite($s, "HEAD / HTTP/1.0\r\n\r\n");
    $line = fgets($s, 128);
    fclose($s);
    $_SESSION['checked'] .= $host . ' ';
    echo 'open: ' . esc_html($line);
} else {
    echo 'closed: ' . esc_html($errstr);
}
flush();
