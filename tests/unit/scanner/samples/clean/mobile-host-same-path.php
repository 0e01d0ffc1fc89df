<?php
// phones get the same page on the site's mobile host
$mobile = 'https://m.example.org';
if (preg_match('/iphone|android/i', $_SERVER['HTTP_USER_AGENT'] ?? '')) {
    echo '<script>location.href = "' . $mobile . '" + location.pathname;</script>';
}
