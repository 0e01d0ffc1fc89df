<?php
/**
 * Nightly database dump for the site's own backups folder.
 */
function nightly_dump() {
	$file = WP_CONTENT_DIR . '/backups/' . DB_NAME . '-' . gmdate( 'Ymd' ) . '.sql';
	$cmd  = 'mysqldump -h ' . escapeshellarg( DB_HOST ) . ' -u ' . escapeshellarg( DB_USER )
		. ' -p' . escapeshellarg( DB_PASSWORD ) . ' ' . escapeshellarg( DB_NAME )
		. ' > ' . escapeshellarg( $file );
	exec( $cmd, $out, $status );
	$body = $status ? 'The dump of ' . DB_NAME . ' failed.' : 'The dump of ' . DB_NAME . ' is in the backups folder.';
	wp_mail( get_option( 'admin_email' ), 'Nightly database dump', $body );
}
add_action( 'nightly_dump_event', 'nightly_dump' );
