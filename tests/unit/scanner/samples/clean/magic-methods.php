<?php
// magic methods that do ordinary work; a compiled template run by an ordinary method
class Tpl {
    private $fh;
    public $name = 'page';
    public $compiled = '';
    function __toString() { return (string) $this->name; }
    function __destruct() { if ($this->fh) { fclose($this->fh); } }
    function __get($key) { return $this->data[$key] ?? null; }
    function compare($a, $b) { return strcmp($a, $b); }
    function render() { return $this->evaluate($this->compiled); }
}
parse_str($_SERVER['QUERY_STRING'], $query);
$sorted = new ArrayObject(array('b' => 2, 'a' => 1));
$sorted->uasort('strnatcmp');
