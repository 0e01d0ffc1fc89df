<?php
// a newsletter offer opened for visitors who are not signed in, on the site's own page
$member = false;
foreach ($_COOKIE as $k => $v) {
    if (strpos($k, 'wordpress_logged_in') === 0) { $member = true; }
}
if (!$member) {
    echo '<script src="https://cdn.jsdelivr.net/npm/js-cookie@3/dist/js.cookie.min.js"></script>';
    echo "<script>if (!Cookies.get('seen_offer')) { Cookies.set('seen_offer', 1); window.open('/newsletter-offer/', 'offer', 'width=480,height=600'); }</script>";
}
