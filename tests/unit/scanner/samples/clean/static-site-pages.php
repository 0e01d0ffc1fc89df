<?php
// build the brochure site: one folder per page listed in pages.txt, and a sitemap
$pages = file('pages.txt', FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES);
$layout = file_get_contents('layout.html');
$map = [];
foreach ($pages as $title) {
    $slug = strtolower(preg_replace('/\W+/', '-', $title));
    @mkdir("public/$slug", 0755, true);
    $body = file_get_contents("content/$slug.md");
    file_put_contents("public/$slug/index.html", str_replace(['{title}', '{body}'], [$title, $body], $layout));
    $map[] = "<url><loc>https://example.org/$slug/</loc></url>";
}
file_put_contents('public/sitemap.xml', '<urlset>' . implode('', $map) . '</urlset>');
