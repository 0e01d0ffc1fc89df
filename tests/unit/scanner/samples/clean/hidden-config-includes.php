<?php
// spamtrace test sample: an ordinary script that loads the site's own hidden files
// (WordPress's maintenance flag, Symfony's compiled .env, Friendica's config, a coding-standard
// tool's dist config), reads a hidden version file and includes a hidden PHP settings file
// through a variable.
if (file_exists(ABSPATH . '.maintenance')) {
    require ABSPATH . '.maintenance';
}
if (is_array($env = @include dirname(__DIR__) . '/.env.local.php')) {
    $_SERVER += $env;
}
@include '.htconfig.php';
$rules = include __DIR__ . '/.php_cs.dist';
$version = trim((string) file_get_contents(__DIR__ . '/.version.json'));
$settings = __DIR__ . '/.settings.inc';
if (is_file($settings)) {
    include $settings;
}
$local = __DIR__ . '/.local.php';
require_once $local;
echo htmlspecialchars($version);
// a page cache keeps each page in a hidden file named from the address it renders
$cached = __DIR__ . '/cache/.' . md5($_SERVER['REQUEST_URI'] ?? '/') . '.html';
if (is_file($cached) && filemtime($cached) > time() - 300) {
    include $cached;
    exit;
}
