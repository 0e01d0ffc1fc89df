<?php
// an API client: what it downloads is decoded as JSON and shown, never run
class WeatherClient
{
    public function get(string $url)
    {
        $c = curl_init();
        curl_setopt($c, CURLOPT_URL, $url);
        curl_setopt($c, CURLOPT_RETURNTRANSFER, true);
        $body = curl_exec($c);
        curl_close($c);
        return $body;
    }
}

$client = new WeatherClient();
$json = $client->get('https://api.example.org/v1/forecast?city=Lyon');
$data = json_decode($json, true);
echo htmlspecialchars($data['summary'] ?? 'no forecast');
$template = file_get_contents(__DIR__ . '/views/forecast.phtml');
eval('?>' . $template);
