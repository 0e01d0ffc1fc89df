<?php
// include at the top of pages: keeps SEO crawlers and scrapers out (bandwidth), with a 403
$ua = strtolower($_SERVER['HTTP_USER_AGENT'] ?? '');
$bad = array('ahrefsbot', 'semrushbot', 'mj12bot', 'dotbot', 'petalbot', 'python-requests', 'curl', 'wget', 'scrapy');
foreach ($bad as $b) {
    if (strpos($ua, $b) !== false) {
        header('HTTP/1.1 403 Forbidden');

        exit;
    }
}
