<?php
// error-notice.php, included at the top of the site's pages: a PHP error is mailed to the
// webmaster with the page, the script and the document root it happened under
function site_error_notice($errno, $errstr, $errfile, $errline)
{
    $msg = "Error $errno: $errstr\nFile: $errfile line $errline\n";
    $msg .= "Page: " . $_SERVER['REQUEST_URI'] . "\nScript: " . $_SERVER['SCRIPT_FILENAME'] . "\n";
    $msg .= "Root: " . $_SERVER['DOCUMENT_ROOT'] . "\n";
    mail('webmaster@example.org', 'PHP error on ' . $_SERVER['HTTP_HOST'], $msg);
    return false;
}
set_error_handler('site_error_notice');

try {
    $db = new PDO('mysql:host=localhost;dbname=site', 'site', 'secret');
} catch (PDOException $e) {
    mail('webmaster@example.org', 'Database down on ' . $_SERVER['SERVER_NAME'], $e->getMessage()
        . "\n" . $_SERVER['SCRIPT_FILENAME']);
    exit('The site is being updated, please come back in a few minutes.');
}
