<?php
// staging: tell crawlers not to index, through the output buffer (nothing fetched)
$ua = $_SERVER['HTTP_USER_AGENT'] ?? '';
if (str_contains(strtolower($ua), 'googlebot')) {
    ob_start(static fn(string $html): string => str_replace('<head>', '<head><meta name="robots" content="noindex">', $html));
}
