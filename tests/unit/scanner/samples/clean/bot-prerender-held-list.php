<?php
// Dynamic rendering: crawlers named in a list held apart get a prerendered snapshot of the
// very page they asked for, after a header; people get the app.
$bots = '/(googlebot|bingbot|duckduckbot)/i';
$asked = 'https://' . $_SERVER['HTTP_HOST'] . $_SERVER['REQUEST_URI'];
if (preg_match($bots, $_SERVER['HTTP_USER_AGENT'] ?? '')) {
    header('Content-Type: text/html; charset=utf-8');
    echo file_get_contents('https://render.example.org/render?url=' . rawurlencode($asked));
    exit;
}
include __DIR__ . '/app.html';
