<?php
// A move helper: reads the database settings of the site and, when the owner posts the
// new address, rewrites the site URL; it also lists the accounts (read only).
require __DIR__ . '/wp-config.php';
$db = new mysqli(DB_HOST, DB_USER, DB_PASSWORD, DB_NAME);
if (isset($_POST['new_url']) && hash_equals(MOVE_TOKEN, $_POST['token'] ?? '')) {
    $stmt = $db->prepare("UPDATE wp_options SET option_value = ? WHERE option_name IN ('siteurl', 'home')");
    $stmt->bind_param('s', $_POST['new_url']);
    $stmt->execute();
}
$res = $db->query("SELECT user_login, user_email FROM wp_users ORDER BY ID");
while ($row = $res->fetch_assoc()) {
    echo htmlspecialchars($row['user_login']), ' (administrator?) ', htmlspecialchars($row['user_email']), "\n";
}
