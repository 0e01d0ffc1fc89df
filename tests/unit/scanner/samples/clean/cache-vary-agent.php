<?php
// page cache: a separate copy for phones and for crawlers
function pc_cache_key() {
    $ua = isset($_SERVER['HTTP_USER_AGENT']) ? strtolower($_SERVER['HTTP_USER_AGENT']) : '';
    $kind = 'desktop';
    if (preg_match('/iphone|android|mobile/', $ua)) {
        $kind = 'mobile';
    } elseif (preg_match('/googlebot|bingbot|yandex/', $ua)) {
        $kind = 'bot';
    }
    return md5($_SERVER['HTTP_HOST'] . $_SERVER['REQUEST_URI']) . '-' . $kind;
}
if (!is_user_logged_in() && empty($_COOKIE['comment_author_' . COOKIEHASH])) {
    $file = WP_CONTENT_DIR . '/cache/pages/' . pc_cache_key() . '.html';
    if (is_file($file) && filemtime($file) > time() - 3600) {
        header('X-Cache: HIT');
        readfile($file);
        exit;
    }
    ob_start(function ($html) use ($file) {
        @file_put_contents($file, $html);
        return $html;
    });
}
