<?php
// test fixture: fetches exchange rates through an http stream context and caches them as JSON
function refresh_rates(string $api) {
    $ctx = stream_context_create(['http' => ['timeout' => 5, 'header' => "Accept: application/json\r\n"]]);
    $json = file_get_contents($api, false, $ctx);
    if ($json !== false) {
        file_put_contents(__DIR__ . '/cache/rates.json', $json);
    }
}
refresh_rates(getenv('RATES_API') ?: 'https://rates.example.test/latest');
