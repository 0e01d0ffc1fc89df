<?php
// Cache plugin: writes its rewrite rules and turns directory listing off.
function cache_write_htaccess($root) {
    $rules = "# BEGIN FastCache\nOptions -Indexes\nOptions +FollowSymLinks\n<IfModule mod_rewrite.c>\nRewriteEngine On\nRewriteCond %{REQUEST_METHOD} GET\nRewriteCond %{DOCUMENT_ROOT}/cache/%{REQUEST_URI}/index.html -f\nRewriteRule .* /cache/%{REQUEST_URI}/index.html [L]\n</IfModule>\n# END FastCache\n";
    $file = $root . '/.htaccess';
    $old = is_file($file) ? file_get_contents($file) : '';
    $old = preg_replace('/# BEGIN FastCache.*# END FastCache\n/s', '', $old);
    file_put_contents($file, $rules . $old);
}
