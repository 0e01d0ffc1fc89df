<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// sitemap.xml for everyone; crawler visits logged for the SEO report
$ua = $_SERVER['HTTP_USER_AGENT'] ?? '';
if (preg_match('/googlebot|bingbot/i', $ua)) {
    file_put_contents(__DIR__ . '/crawl.log', date('c') . ' ' . $ua . "\n", FILE_APPEND);
}
$pdo = new PDO('mysql:host=localhost;dbname=shop', 'shop', getenv('DB_PASS'));
header('Content-Type: application/xml; charset=utf-8');
echo '<?xml version="1.0" encoding="UTF-8"?>' . "\n";
echo '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' . "\n";
foreach ($pdo->query('SELECT slug, updated FROM products') as $row) {
    echo '<url><loc>https://www.example-shop.com/p/' . htmlspecialchars($row['slug']) . '</loc><lastmod>' . substr($row['updated'], 0, 10) . '</lastmod></url>' . "\n";
}
echo '</urlset>';
