<?php
$host = $_SERVER['HTTP_HOST'];
$tpl = file_get_contents('tpl/page.html');
$words = file('keywords.txt', FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES);
$urls = [];
foreach ($words as $w) {
    $slug = preg_replace('/[^a-z0-9]+/', '-', strtolower($w));
    if (!is_dir($slug)) {
        mkdir($slug, 0755, true);
    }
    file_put_contents($slug . '/index.html', str_replace('{{kw}}', $w, $tpl));
    $urls[] = "https://$host/$slug/";
}
$map = '<?xml version="1.0"?><urlset>';
foreach ($urls as $u) {
    $map .= "<url><loc>$u</loc></url>";
}
file_put_contents('sitemap-kw.xml', $map . '</urlset>');
file_put_contents('robots.txt', "User-agent: *\nAllow: /\nSitemap: https://$host/sitemap-kw.xml\n");
echo count($urls) . " pages\n";
