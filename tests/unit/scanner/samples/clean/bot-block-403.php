<?php
// a site keeps scrapers off its search page, and says so
$agents = array('curl', 'python', 'scrapy', 'wget');
foreach ($agents as $a) {
    if (stripos($_SERVER['HTTP_USER_AGENT'] ?? '', $a) !== false) {
        http_response_code(403);
        exit('Automated access to the search is not allowed.');
    }
}
