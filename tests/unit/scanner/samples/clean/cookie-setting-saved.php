<?php
// an admin page saves the name of the session cookie the site should use
$name = preg_replace('/[^a-z0-9_]/i', '', $_POST['cookie'] ?? 'sid');
file_put_contents(__DIR__ . '/config/cookie-name.txt', $name);
echo 'Saved';
