<?php
// one-off import of newsletter readers as subscribers (run by the site's developer)
require __DIR__ . '/wp-load.php';
global $wpdb;
foreach (array_map('str_getcsv', file(__DIR__ . '/readers.csv')) as $row) {
    $wpdb->insert($wpdb->users, array('user_login' => sanitize_user($row[0]), 'user_email' => sanitize_email($row[1])));
    update_user_meta($wpdb->insert_id, $wpdb->prefix . 'capabilities', array('subscriber' => true));
}
unlink(__FILE__);
