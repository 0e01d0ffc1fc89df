<?php
// hotlink protection settings: writes the rules into the site's .htaccess
$rules = "RewriteEngine On\n"
    . "RewriteCond %{HTTP_REFERER} !^$\n"
    . "RewriteCond %{HTTP_REFERER} !^https?://(www\.)?example-shop\.com [NC]\n"
    . "RewriteCond %{HTTP_REFERER} !google\. [NC]\n"
    . "RewriteRule \.(jpe?g|png|gif)$ https://example-shop.com/img/hotlink.png [R,L]\n";
file_put_contents(__DIR__ . '/.htaccess', $rules, FILE_APPEND);
