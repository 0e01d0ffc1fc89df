<?php
// a theme reads its settings from a URL and shows them: fetched data, never run
$endpoint = 'https://api.example.invalid/v1/settings';
$raw = file_get_contents($endpoint);
$cfg = json_decode((string) $raw, true) ?: [];
$tpl = file_get_contents(__DIR__ . '/header.html');
echo str_replace('{title}', htmlspecialchars($cfg['title'] ?? ''), (string) $tpl);
