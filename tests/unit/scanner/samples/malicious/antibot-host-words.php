<?php
// an anti-bot gate whose host-name list is one long literal (written for the tests, never run)
$host = gethostbyaddr($_SERVER['REMOTE_ADDR']);
$words = array("'Googlebot', 'NetcraftSurveyAgent', 'PhishTank', 'AhrefsBot', 'bingbot', 'Kaspersky', 'curl', 'python-requests', 'Yahoo! Slurp', 'spider', 'crawler', 'msnbot', 'ia_archiver'");
foreach ($words as $w) {
    if (substr_count($host, $w) > 0) {
        header("HTTP/1.0 404 Not Found");
        die("<h1>404 Not Found</h1>");
    }
}
