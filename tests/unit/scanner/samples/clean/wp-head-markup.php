<?php
// spamtrace test sample: a theme's head and footer hooks that print their own markup, an
// analytics tag loaded with <script src>, and settings kept base64-encoded (decoded, not printed)
add_action('wp_head', 'mytheme_head_meta');
function mytheme_head_meta() {
    $opts = json_decode(base64_decode(get_option('mytheme_opts', '')), true);
    $color = is_array($opts) && isset($opts['color']) ? $opts['color'] : '#333';
    echo '<meta name="theme-color" content="' . esc_attr($color) . '">';
}
add_action('wp_footer', function () {
    $id = esc_attr(get_option('mytheme_ga_id', ''));
    if ($id) {
        echo '<script async src="https://www.googletagmanager.com/gtag/js?id=' . $id . '"></script>';
    }
    $resp = wp_remote_get('https://api.example.org/status');
    if (!is_wp_error($resp)) {
        update_option('mytheme_status', wp_remote_retrieve_response_code($resp));
    }
});
