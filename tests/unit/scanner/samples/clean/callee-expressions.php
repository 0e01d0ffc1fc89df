<?php
// closures from the script's own table, [$this, 'method'] callables, a function's result
// called where it returns a closure of the script's own
class Report {
    private $formatters;
    public function __construct() {
        $this->formatters = array('upper' => fn ($s) => strtoupper($s), 'plain' => fn ($s) => $s);
    }
    public function render(array $rows) {
        return array_map([$this, 'line'], $rows);
    }
    private function line($r) { return implode(' | ', $r); }
    public function format($name, $text) {
        return ($this->formatters[$name] ?? $this->formatters['plain'])($text);
    }
}
function make_escaper($charset) { return fn ($s) => htmlspecialchars($s, ENT_QUOTES, $charset); }
$style = in_array($_GET['style'] ?? '', array('upper', 'plain'), true) ? $_GET['style'] : 'plain';
echo make_escaper('UTF-8')((new Report())->format($style, $_GET['q'] ?? ''));
