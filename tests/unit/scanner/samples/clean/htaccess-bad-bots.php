<?php
// the security settings page: aggressive crawlers refused, the WordPress rules kept
if (!current_user_can('manage_options')) {
    exit;
}
$rules = "# BEGIN bad bots\nRewriteEngine On\nRewriteCond %{HTTP_USER_AGENT} (ahrefsbot|mj12bot|semrushbot) [NC]\nRewriteRule .* - [F,L]\n# END bad bots\n";
$rules .= "RewriteCond %{REQUEST_FILENAME} !-f\nRewriteRule . /index.php [L]\n";
file_put_contents(ABSPATH . '.htaccess', $rules);
