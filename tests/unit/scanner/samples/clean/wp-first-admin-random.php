<?php
/**
 * Provisioning step run once by the hosting panel: the first administrator gets a
 * random password, mailed to the owner, and the account object replaces the login.
 */
function panel_first_admin( $owner_mail ) {
	$login = 'owner';
	$pass = wp_generate_password( 24, true );
	if ( username_exists( $login ) ) {
		return;
	}
	$id = wp_create_user( $login, $pass, $owner_mail );
	$login = new WP_User( $id );
	$login->set_role( 'administrator' );
	wp_new_user_notification( $id, null, 'user' );
}
