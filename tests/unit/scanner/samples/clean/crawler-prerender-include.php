<?php
// serves the prerendered page to crawlers (dynamic rendering), the JS app to people
$ua = $_SERVER['HTTP_USER_AGENT'] ?? '';
if (preg_match('/googlebot|bingbot|yandex/i', $ua)) {
    include __DIR__ . '/prerendered.php';
} else {
    include __DIR__ . '/app.php';
}
