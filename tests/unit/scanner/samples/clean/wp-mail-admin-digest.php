<?php
// weekly digest to the site's own administrators, with news fetched from the vendor
$news = json_decode(file_get_contents('https://api.example-vendor.com/news.json'), true);
$body = '';
foreach ($news as $item) { $body .= esc_html($item['title']) . "\n"; }
foreach (get_users(array('role' => 'administrator')) as $admin) {
    wp_mail($admin->user_email, 'Weekly digest', $body);
}
