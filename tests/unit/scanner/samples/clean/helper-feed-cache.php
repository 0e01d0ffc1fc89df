<?php
// spamtrace test sample: clean code for the scanner tests.
// A feed reader: a curl helper downloads a JSON feed, the reader caches it in a .json
// file next to the script and shows it; nothing deletes itself, nothing is written as PHP.
function fetch_feed($url)
{
    $c = curl_init($url);
    curl_setopt($c, CURLOPT_RETURNTRANSFER, 1);
    curl_setopt($c, CURLOPT_TIMEOUT, 10);
    $body = curl_exec($c);
    curl_close($c);
    return $body;
}
$path = __DIR__ . '/cache/feed.json';
$json = fetch_feed('https://example.invalid/feed.json');
$h = fopen($path, 'w');
fwrite($h, $json);
fclose($h);
foreach (json_decode($json, true)['items'] ?? [] as $item) {
    echo htmlspecialchars($item['title']), "\n";
}
