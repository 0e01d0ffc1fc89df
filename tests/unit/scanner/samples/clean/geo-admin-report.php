<?php
// an admin tool that looks up an address the admin typed and keeps the answer in its log
// (not the visitor's own address: nothing about who is visiting)
require __DIR__ . '/auth.php';
$lookup = filter_var($_POST['address'] ?? '', FILTER_VALIDATE_IP);
if ($lookup) {
    $info = file_get_contents("https://ipinfo.io/" . $lookup . "/json?token=" . ADMIN_TOKEN);
    file_put_contents(LOG_DIR . '/lookups.log', date('c') . ' ' . $info . "\n", FILE_APPEND);
}
