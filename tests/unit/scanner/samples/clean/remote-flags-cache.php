<?php
$cache = __DIR__ . '/cache/flags.json';
$src = 'https://config.example.com/' . 'flags.json';
if (!is_file($cache) || filemtime($cache) < time() - 600) {
    $j = @file_get_contents($src);
    if ($j !== false && json_decode($j) !== null) file_put_contents($cache, $j);
}
$flags = json_decode(@file_get_contents($cache), true) ?: array();
