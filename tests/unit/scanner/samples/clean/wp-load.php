<?php
/**
 * Bootstrap file for setting the ABSPATH constant and loading the wp-config.php file.
 */
if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
if ( file_exists( ABSPATH . 'wp-config.php' ) ) {
	require_once ABSPATH . 'wp-config.php';
} else {
	$path = 'https://wordpress.org/documentation/article/editing-wp-config-php/';
	echo '<p>There does not seem to be a wp-config.php file. See <a href="' . $path . '">the guide</a>.</p>';
	die();
}
