<?php
// tell every administrator that a backup finished
add_action('site_backup_done', function ($file) {
    foreach (get_users(array('fields' => array('ID', 'user_email'))) as $u) {
        if (user_can($u->ID, 'administrator')) {
            wp_mail($u->user_email, 'Backup finished', 'Saved to ' . basename($file));
        }
    }
});
