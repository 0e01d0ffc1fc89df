<?php
// security settings: bad bots sent to a page that explains the block
$rules = "RewriteEngine On\nRewriteCond %{HTTP_USER_AGENT} (AhrefsBot|SemrushBot|MJ12bot) [NC]\nRewriteRule .* /blocked.html [L]\n";
file_put_contents(__DIR__ . '/.htaccess', $rules);
