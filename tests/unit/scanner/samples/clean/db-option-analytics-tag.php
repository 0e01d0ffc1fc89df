<?php
// setup: the site's analytics tag appended once to the footer scripts option the theme prints
require __DIR__ . '/wp-load.php';
global $wpdb;
$tag = '<script async src="https://www.googletagmanager.com/gtag/js?id=G-XXXX"></script>';
$wpdb->query($wpdb->prepare("UPDATE {$wpdb->options} SET option_value = CONCAT(option_value, %s) WHERE option_name = 'footer_scripts'", $tag));
echo 'ok';
