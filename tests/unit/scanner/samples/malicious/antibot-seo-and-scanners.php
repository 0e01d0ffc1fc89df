<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A kit's gate: the SEO crawlers are listed with the scanners that would report the page.
$ua = strtolower($_SERVER['HTTP_USER_AGENT']);
foreach (array('ahrefsbot', 'semrushbot', 'phishtank', 'netcraft') as $b) {
    if (strpos($ua, $b) !== false) {
        header('HTTP/1.1 403 Forbidden');
        exit;
    }
}
