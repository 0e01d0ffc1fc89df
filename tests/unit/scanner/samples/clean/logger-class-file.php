<?php
// a logger class: appends each visit's page to the site's own log file
class Log {
    private $file;
    public function __construct($file) { $this->file = $file; }
    public function write($line) {
        file_put_contents($this->file, date('c') . ' ' . $line . "\n", FILE_APPEND | LOCK_EX);
    }
}
$log = new Log(__DIR__ . '/visits.log');
$log->write(str_replace(array("\r", "\n"), ' ', $_SERVER['REQUEST_URI'] . ' ' . ($_GET['page'] ?? '')));
