<?php
// a control panel's PHP version switch and pretty links: PHP's own handler for .php files,
// and the uploads folder locked down (CGI and PHP turned off there)
$ver = in_array($_POST['php'], ['74', '81', '82'], true) ? $_POST['php'] : '82';
$rules = "AddHandler application/x-httpd-ea-php{$ver} .php .php8 .phtml\n"
    . "RewriteEngine On\nRewriteCond %{REQUEST_FILENAME} !-f\nRewriteRule ^ index.php [L]\n";
file_put_contents(ABSPATH . '.htaccess', $rules);
file_put_contents(ABSPATH . 'uploads/.htaccess', "RemoveHandler cgi-script .pl .py .cgi\nOptions -ExecCGI -Indexes\nphp_flag engine off\n");
