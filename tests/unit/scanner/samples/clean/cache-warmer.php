<?php
// Cache warmer: fetches every URL of the site's own sitemap, ten at a time.
$xml = simplexml_load_file('https://www.example.com/sitemap.xml');
$urls = array();
foreach ($xml->url as $u) { $urls[] = (string) $u->loc; }
foreach (array_chunk($urls, 10) as $batch) {
    $mh = curl_multi_init();
    foreach ($batch as $url) {
        $ch = curl_init($url);
        curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
        curl_multi_add_handle($mh, $ch);
    }
    do { curl_multi_exec($mh, $running); curl_multi_select($mh); } while ($running > 0);
    curl_multi_close($mh);
    usleep(200000);
}
