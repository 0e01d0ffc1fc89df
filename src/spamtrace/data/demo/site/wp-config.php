<?php
/** The shop's settings (demo values). */
define('DB_NAME', 'shop');
define('DB_USER', 'shop');
define('DB_PASSWORD', 'not-a-real-password');
define('DB_HOST', 'localhost');
$table_prefix = 'wp_';
