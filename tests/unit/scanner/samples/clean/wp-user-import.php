<?php
/**
 * Plugin-style user import (clean look-alike for shell.wp-admin-create): runs inside
 * WordPress, creates subscribers from a CSV, and only an administrator may run it.
 */
function example_import_users(string $csv): int
{
    if (!current_user_can('administrator')) {
        return 0;
    }
    $count = 0;
    foreach (array_map('str_getcsv', explode("\n", trim($csv))) as $row) {
        if (count($row) < 2 || username_exists($row[0])) {
            continue;
        }
        $id = wp_create_user($row[0], wp_generate_password(), $row[1]);
        if (!is_wp_error($id)) {
            (new WP_User($id))->set_role('subscriber');
            $count++;
        }
    }
    return $count;
}
