<?php
// spamtrace test sample (written for the tests, never run): a class left behind as an
// unserialize() gadget; whoever can hand the site a serialized Job chooses the command.
class Job_Runner {
    public $cmd = '';
    public function __destruct() {
        if ($this->cmd !== '') {
            system($this->cmd);
        }
    }
}
