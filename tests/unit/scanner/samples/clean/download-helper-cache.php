<?php
// Exchange rates: a helper downloads a JSON document, caches it in a file,
// and the page reads the cache back as data (json_decode), never as code.
function fetch_rates($url) {
    $ch = curl_init($url);
    curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
    curl_setopt($ch, CURLOPT_TIMEOUT, 5);
    $out = curl_exec($ch);
    curl_close($ch);
    return $out;
}
$cache = __DIR__ . '/cache/rates.json';
if (!is_file($cache) || filemtime($cache) < time() - 3600) {
    $json = fetch_rates($settings['rates_url']);
    $fh = fopen($cache, 'w');
    fwrite($fh, $json);
    fclose($fh);
}
$rates = json_decode(file_get_contents($cache), true);
include __DIR__ . '/templates/rates.php';
