<?php
// a slug maker: its patterns kept in variables (the "e" in them is a letter, not a modifier)
$spaces = '/\s+/u';
$others = '~[^a-z0-9e-]~';
$title = isset($_GET['title']) ? (string) $_GET['title'] : 'untitled';
$slug = preg_replace($others, '', preg_replace($spaces, '-', strtolower($title)));
echo htmlspecialchars($slug);
