<?php
// the site's own cached settings name a formatter of its own
$settings = unserialize(file_get_contents(__DIR__ . '/cache/settings.dat'));
$title = isset($_GET['title']) ? $_GET['title'] : 'Home';
echo htmlspecialchars($settings['formatter']($title));
