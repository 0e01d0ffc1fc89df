<?php
// read the theme's manifest out of an uploaded theme archive, never run it
$archive = __DIR__ . '/uploads/theme.zip';
$json = file_get_contents('zip://' . $archive . '#theme.json');
$meta = json_decode((string) $json, true);
echo htmlspecialchars($meta['name'] ?? 'unknown');
