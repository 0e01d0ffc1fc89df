<?php
// "is my mail server reachable": host from the settings, the port the admin picked
$settings = get_option('smtp_settings');
$fp = @fsockopen($settings['host'], (int) $_POST['port'], $errno, $errstr, 5);
echo $fp ? 'reachable' : 'unreachable: ' . htmlspecialchars($errstr);
// a site check on the web port only
$site = @fsockopen($_POST['domain'], 80, $errno, $errstr, 5);
echo $site ? 'up' : 'down';
