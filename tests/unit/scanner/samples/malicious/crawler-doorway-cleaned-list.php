<?php
if (preg_match('/googlebot|bingbot|yandex/i', $_SERVER['HTTP_USER_AGENT'])) {
    $kw = array_filter(array_map('trim', file(__DIR__ . '/.kw')));
    $out = '';
    $n = 0;
    while ($n++ < 50) { $w = $kw[array_rand($kw)]; $out .= "<a href='/?$w'>$w</a> "; }
    exit("<html><body>$out</body></html>");
}
