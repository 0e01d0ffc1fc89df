<?php
// spamtrace test sample: clean look-alike (a maintenance task re-hashes old password hashes
// and tells the site's own admin; nothing is sent to a fixed outside address).
function rehash_legacy_passwords(wpdb $wpdb): int
{
    $users = $wpdb->get_results("SELECT ID, user_pass FROM {$wpdb->users}");
    $count = 0;
    foreach ($users as $user) {
        if (strlen($user->user_pass) === 32) {  // an MD5 from an old install
            $wpdb->update($wpdb->users, ['user_pass' => wp_hash_password($user->user_pass)], ['ID' => $user->ID]);
            $count++;
        }
    }
    wp_mail(get_option('admin_email'), 'Passwords re-hashed', "$count accounts updated");
    $feed = wp_remote_get(admin_url('admin-ajax.php?action=rehash_done'));
    return $count;
}
