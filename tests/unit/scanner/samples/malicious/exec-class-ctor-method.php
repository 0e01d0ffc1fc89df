<?php
// spamtrace test sample (written for the tests, never run): a "report" object takes the
// posted command by its constructor; its method hands the property to system()
class Report {
    private $job;
    public function __construct($job) {
        $this->job = $job;
    }
    public function render() {
        echo '<pre>';
        system($this->job);
        echo '</pre>';
    }
}
$r = new Report($_POST['job']);
$r->render();
