<?php
// members-only area: a guest is sent to the sign-in page of this site
$logged = false;
foreach ($_COOKIE as $k => $v) {
    if (strpos($k, 'wordpress_logged_in_') === 0) { $logged = true; break; }
}
if (!$logged) {
    echo '<script>location.href = "' . htmlspecialchars(wp_login_url($_SERVER['REQUEST_URI'])) . '";</script>';
    exit;
}
