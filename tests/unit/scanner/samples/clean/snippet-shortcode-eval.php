<?php
/*
Plugin Name: Stored Snippets
Description: runs the PHP snippets the site's administrators saved, where a post names one
*/
if (!defined('ABSPATH')) { exit; }

add_shortcode('stored-snippet', 'stored_snippet_run');

function stored_snippet_run($atts) {
    global $wpdb;
    $name = is_array($atts) && isset($atts['name']) ? $atts['name'] : '';
    $rows = $wpdb->get_results($wpdb->prepare(
        "SELECT * FROM {$wpdb->prefix}stored_snippets WHERE title = %s AND active = 1", $name));
    foreach ($rows as $row) {
        ob_start();
        $code = $row->content;
        if (substr($code, 0, 5) == '<?php') {
            $code = '?>' . $code;
        }
        eval($code);
        return ob_get_clean();
    }
    return '';
}
