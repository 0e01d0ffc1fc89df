<?php
// after sign-in the browser goes to the dashboard the settings name
$home = $settings['dashboard_url'];
setcookie('welcome', '1', time() + 3600, '/');
echo '<script>window.location.href = "' . $home . '";</script>';
