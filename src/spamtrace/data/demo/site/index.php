<?php
/**
 * Front to the shop. Loads the theme (a small stand-in for a WordPress site, made for the
 * spamtrace demo lab).
 */
define('WP_USE_THEMES', true);
require __DIR__ . '/wp-config.php';
require __DIR__ . '/wp-content/themes/shop/functions.php';
shop_render_home();
