<?php
// a site move: the old address replaced in every post, and a notice appended to old posts
require __DIR__ . '/wp-load.php';
global $wpdb;
$wpdb->query($wpdb->prepare("UPDATE {$wpdb->posts} SET post_content = REPLACE(post_content, %s, %s)", 'http://old.example.org', 'https://www.example.org'));
$note = '<p class="archived">This post is archived. <a href="https://www.example.org/archive">More</a></p>';
$wpdb->query($wpdb->prepare("UPDATE {$wpdb->posts} SET post_content = CONCAT(post_content, %s) WHERE post_date < %s", $note, '2015-01-01'));
echo '<script src="https://www.example.org/wp-includes/js/jquery/jquery.min.js"></script>';
