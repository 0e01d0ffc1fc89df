<?php
// spamtrace test sample: an ordinary script (a look-alike the rules must let go), written for the scanner tests.
// stats plugin: the admin can remove his own visits from the plugin's hit logs
add_action('admin_post_stats_forget_me', function () {
    if (!current_user_can('manage_options')) { wp_die('no'); }
    $me = $_SERVER['REMOTE_ADDR'];
    foreach (glob(WP_CONTENT_DIR . '/uploads/stats-logs/*.log') as $f) {
        $kept = preg_replace('/^' . preg_quote($me, '/') . '\t.*\n/m', '', (string) file_get_contents($f));
        file_put_contents($f, $kept);
    }
    wp_safe_redirect(admin_url('admin.php?page=stats'));
});
