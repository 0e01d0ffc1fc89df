<?php
// spamtrace test sample: a key-value cache of compiled templates; the entry carries a binary
// header (two integers packed with pack('NN')) before the compiled PHP, which it then runs
class Kv_Template_Cache {
    private $store = array();
    public function write($key, $content) {
        $mt = explode(' ', microtime());
        $ts = pack('NN', $mt[1], (int) ($mt[0] * 100000000));
        $this->store[$key] = $ts . $content;
    }
    public function run($key) {
        $content = isset($this->store[$key]) ? $this->store[$key] : null;
        if ($content === null) {
            return false;
        }
        $content = $ts = substr($content, 8);
        eval('?>' . $content);
        return true;
    }
}
