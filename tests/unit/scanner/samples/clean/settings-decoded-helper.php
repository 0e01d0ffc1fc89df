<?php
// settings kept base64-encoded in the database: decoded by a helper, shown and used, never run
function setting($name)
{
    global $wpdb;
    $raw = $wpdb->get_var($wpdb->prepare('SELECT v FROM settings WHERE k = %s', $name));
    return base64_decode((string) $raw);
}

$banner = setting('banner_html');
echo $banner;
$hours = json_decode(setting('opening_hours'), true);
exec('uptime', $lines);
echo htmlspecialchars(implode("\n", $lines));
