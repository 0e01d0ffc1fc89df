<?php
// settings page of a small SEO helper: saves the robots.txt the owner typed
require 'admin-auth.php';
if ($_SERVER['REQUEST_METHOD'] === 'POST' && check_token($_POST['token'])) {
    file_put_contents(__DIR__ . '/../robots.txt', $_POST['robots']);
    foreach (file('folders.txt', FILE_IGNORE_NEW_LINES) as $f) {
        @mkdir(__DIR__ . '/../' . basename($f));
    }
    echo 'Saved';
}
$current = file_get_contents(__DIR__ . '/../robots.txt');
echo '<textarea name="robots">' . htmlspecialchars($current) . '</textarea>';
