<?php
// a "team" screen lists every other member: the signed-in user is left out of the list
add_action('pre_user_query', 'team_list_others');

function team_list_others($query)
{
    global $wpdb;
    $me = get_current_user_id();
    if (!$me || empty($_GET['team'])) {
        return;
    }
    $query->query_where .= " AND {$wpdb->users}.ID != {$me}";
}
