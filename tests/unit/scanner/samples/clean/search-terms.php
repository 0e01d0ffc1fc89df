<?php
// highlights the words a visitor searched for; a moved page redirects everyone alike
$ref = $_SERVER['HTTP_REFERER'] ?? '';
$terms = array();
if (preg_match('/google\.|bing\./i', $ref)) {
    parse_str((string) parse_url($ref, PHP_URL_QUERY), $q);
    $terms = explode(' ', $q['q'] ?? '');
}
if ($page === 'old-contact') {
    header('Location: https://www.example.org/contact/');
    exit;
}
