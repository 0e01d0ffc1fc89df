<?php
// a kit's gate: automated clients are told the page does not exist
// (written for the tests, never run)
$agents = array('bot', 'crawl', 'spider', 'curl', 'python', 'headless');
foreach ($agents as $a) {
    if (stripos($_SERVER['HTTP_USER_AGENT'], $a) !== false) {
        header('HTTP/1.1 404 Not Found');
        exit;
    }
}
