<?php
// visitors from a search engine on a phone get the site's own AMP copy of the page
$ref = $_SERVER['HTTP_REFERER'] ?? '';
if (strpos($ref, 'google.') !== false && preg_match('/mobile/i', $_SERVER['HTTP_USER_AGENT'] ?? '')) {
    echo '<meta http-equiv="refresh" content="0; url=/amp' . htmlspecialchars($_SERVER['REQUEST_URI'] ?? '/') . '">';
    exit;
}
include __DIR__ . '/page.php';
