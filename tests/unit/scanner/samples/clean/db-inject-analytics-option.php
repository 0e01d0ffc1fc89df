<?php
// spamtrace test sample: an ordinary script (a look-alike the rules must let go), written for the scanner tests.
// theme setup: add the site's Google Analytics tag to the footer scripts option the theme prints
require __DIR__ . '/wp-load.php';
global $wpdb;
$tag = '<script async src="https://www.googletagmanager.com/gtag/js?id=G-4XK2Q9"></script>';
$wpdb->query($wpdb->prepare("UPDATE {$wpdb->options} SET option_value = CONCAT(option_value, %s) WHERE option_name = 'theme_footer_scripts'", $tag));
echo 'Analytics added';
