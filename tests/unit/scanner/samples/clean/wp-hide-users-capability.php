<?php
// a membership plugin: editors do not see the accounts of the support team, whose ids the
// settings page stores; administrators see everyone
add_action('pre_user_query', 'members_hide_support');

function members_hide_support($query)
{
    global $wpdb;
    if (current_user_can('manage_options')) {
        return;
    }
    $support = (int) get_option('members_support_uid');
    if ($support && get_current_user_id() != $support) {
        $query->query_where .= " AND {$wpdb->users}.ID <> {$support}";
    }
}
